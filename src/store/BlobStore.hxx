// Where blob files live: the interface the storage uses, so that a second
// backend (an S3-compatible object store, see docs/scaling.md) can stand
// behind it without touching the upload pipeline or the routes. A blob goes
// through three names: a partial blob while its upload is open, a re-key
// file while a partial blob is rewritten under a new key (Rekey.cxx), and the
// complete blob once its upload is durable. Ids come only from IsValidId()
// (server-made), never from anything a client named.
//
// The upload pipeline writes and reads through local descriptors (FileIo.hxx);
// a remote backend stages partial blobs locally and publishes them at Commit.
// All operations block on the disk or the network: call them on the
// threadpool. Implementations are thread-safe.
#pragma once

#include "store/UniqueFd.hxx"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::store {

class BlobStore {
public:
    virtual ~BlobStore() = default;

    /// Creates a new partial blob (fails if it exists). Throws std::system_error.
    virtual UniqueFd CreatePart(std::string_view id) const = 0;
    virtual UniqueFd OpenPart(std::string_view id) const = 0;
    /// The complete blob, for reading.
    virtual UniqueFd OpenBlob(std::string_view id) const = 0;
    /// Creates (or truncates a leftover) re-key file for a rewrite of the part.
    virtual UniqueFd CreateRekey(std::string_view id) const = 0;
    /// Atomically replaces the part with the re-key file, durably.
    virtual void ReplacePart(std::string_view id) const = 0;
    /// Makes the (synced) part the complete blob, durably.
    virtual void Commit(std::string_view id) const = 0;
    /// Commit() of several parts at once (a group commit of finished uploads):
    /// one error slot per id, empty where that blob is in place, durably. A
    /// backend that can make several renames durable together overrides this.
    virtual std::vector<std::exception_ptr> CommitAll(std::span<const std::string> ids) const {
        std::vector<std::exception_ptr> errors(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            try {
                Commit(ids[i]);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
        return errors;
    }
    /// Removes every form of the id; missing ones are fine.
    virtual void Remove(std::string_view id) const = 0;
    /// Removes a complete blob's leftover part and any interrupted re-key
    /// (the start-up sweep). A complete blob still under its partial name (a
    /// crash between the index commit and the rename) is renamed into place.
    virtual void RemoveLeftovers(std::string_view id, bool complete) const = 0;
    /// Ids of every partial and complete blob present (the orphan sweep).
    virtual std::vector<std::string> ListIds() const = 0;
    /// Bytes still available to new blobs.
    virtual std::uint64_t FreeBytes() const = 0;
    /// Where the complete blob is, for tests and for an operator's recovery
    /// with the `age` tool.
    virtual std::filesystem::path BlobPath(std::string_view id) const = 0;
    virtual std::filesystem::path PartPath(std::string_view id) const = 0;
    virtual std::filesystem::path RekeyPath(std::string_view id) const = 0;
};

} // namespace sealpost::store
