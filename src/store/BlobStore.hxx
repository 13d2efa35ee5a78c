// The blob files under data/blobs/: `<file id>.part` while an upload is open,
// `<file id>.age` once complete (renamed into place after fdatasync), and
// `<file id>.rekey` while a partial blob is rewritten under a new key (renamed
// over the `.part` when done). Names come
// only from ids checked by IsValidId(), never from anything a client named.
// All operations block on the disk: call them on the threadpool. Thread-safe
// (no state besides the directory path).
#pragma once

#include "store/UniqueFd.hxx"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::store {

class BlobStore {
public:
    explicit BlobStore(std::filesystem::path dir);

    const std::filesystem::path& dir() const noexcept { return dir_; }
    std::filesystem::path PartPath(std::string_view id) const;
    std::filesystem::path BlobPath(std::string_view id) const;
    std::filesystem::path RekeyPath(std::string_view id) const;

    /// Creates a new `.part` file (fails if it exists). Throws std::system_error.
    UniqueFd CreatePart(std::string_view id) const;
    UniqueFd OpenPart(std::string_view id) const;
    UniqueFd OpenBlob(std::string_view id) const;
    /// Creates (or truncates a leftover) `.rekey` file for a rewrite of `.part`.
    UniqueFd CreateRekey(std::string_view id) const;
    /// Atomically replaces `.part` with `.rekey` and syncs the directory.
    void ReplacePart(std::string_view id) const;
    /// Renames `.part` to `.age` and syncs the directory.
    void Commit(std::string_view id) const;
    /// Removes every name of the id (`.part`, `.age`, `.rekey`); missing files are fine.
    void Remove(std::string_view id) const;
    /// Ids of every `.part` and `.age` file present (for the orphan sweep).
    std::vector<std::string> ListIds() const;
    /// Bytes available to unprivileged writers on the blob file system.
    std::uint64_t FreeBytes() const;

    // Helpers on descriptors; throw std::system_error.
    static void WriteAt(int fd, std::span<const std::uint8_t> data, std::uint64_t offset);
    /// Reads exactly data.size() bytes unless the file ends first; returns bytes read.
    static std::size_t ReadAt(int fd, std::span<std::uint8_t> data, std::uint64_t offset);
    static void DataSync(int fd);
    /// Starts write-back of a range without waiting (so the final sync is short).
    static void StartWriteback(int fd, std::uint64_t offset, std::uint64_t length);
    static std::uint64_t FileSize(int fd);

private:
    std::filesystem::path dir_;
};

} // namespace sealpost::store
