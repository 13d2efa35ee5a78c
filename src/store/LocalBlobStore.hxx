// The blob files under data/blobs/ on the local file system: `<id>.part`
// while an upload is open, `<id>.rekey` while a partial blob is rewritten
// under a new key (renamed over the `.part` when done), `<id>.age` once
// complete (renamed into place after fdatasync; the directory is synced after
// every rename, or once after the renames of a group commit). Owned by Storage; thread-safe (no state besides the path).
#pragma once

#include "store/BlobStore.hxx"

namespace sealpost::store {

class LocalBlobStore final : public BlobStore {
public:
    explicit LocalBlobStore(std::filesystem::path dir);

    UniqueFd CreatePart(std::string_view id) const override;
    UniqueFd OpenPart(std::string_view id) const override;
    UniqueFd OpenBlob(std::string_view id) const override;
    UniqueFd CreateRekey(std::string_view id) const override;
    void ReplacePart(std::string_view id) const override;
    void Commit(std::string_view id) const override;
    std::vector<std::exception_ptr> CommitAll(std::span<const std::string> ids) const override;
    void Remove(std::string_view id) const override;
    void RemoveLeftovers(std::string_view id, bool complete) const override;
    std::vector<std::string> ListIds() const override;
    std::uint64_t FreeBytes() const override;
    std::filesystem::path BlobPath(std::string_view id) const override;
    std::filesystem::path PartPath(std::string_view id) const override;
    std::filesystem::path RekeyPath(std::string_view id) const override;

private:
    std::filesystem::path dir_;
};

} // namespace sealpost::store
