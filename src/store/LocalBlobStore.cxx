#include "store/LocalBlobStore.hxx"
#include "store/FileIo.hxx"
#include "store/Ids.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace sealpost::store {
namespace {

void CheckId(std::string_view id) {
    if (!IsValidId(id))
        throw std::invalid_argument("invalid blob id");
}

} // namespace

LocalBlobStore::LocalBlobStore(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
}

std::filesystem::path LocalBlobStore::PartPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".part");
}

std::filesystem::path LocalBlobStore::BlobPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".age");
}

std::filesystem::path LocalBlobStore::RekeyPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".rekey");
}

UniqueFd LocalBlobStore::CreatePart(std::string_view id) const {
    const auto path = PartPath(id);
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    if (!fd)
        ThrowErrno("create " + path.filename().string());
    return fd;
}

UniqueFd LocalBlobStore::OpenPart(std::string_view id) const {
    const auto path = PartPath(id);
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd)
        ThrowErrno("open " + path.filename().string());
    return fd;
}

UniqueFd LocalBlobStore::OpenBlob(std::string_view id) const {
    const auto path = BlobPath(id);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        ThrowErrno("open " + path.filename().string());
    return fd;
}

UniqueFd LocalBlobStore::CreateRekey(std::string_view id) const {
    const auto path = RekeyPath(id);
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600));
    if (!fd)
        ThrowErrno("create " + path.filename().string());
    return fd;
}

void LocalBlobStore::ReplacePart(std::string_view id) const {
    const auto rekey = RekeyPath(id), part = PartPath(id);
    if (::rename(rekey.c_str(), part.c_str()) != 0)
        ThrowErrno("rename " + rekey.filename().string());
    SyncDirectory(dir_);
}

void LocalBlobStore::Commit(std::string_view id) const {
    const std::string one(id);
    if (const auto error = CommitAll({&one, 1}).front())
        std::rethrow_exception(error);
}

std::vector<std::exception_ptr> LocalBlobStore::CommitAll(std::span<const std::string> ids) const {
    // The renames, then one sync of the directory for all of them.
    std::vector<std::exception_ptr> errors(ids.size());
    bool renamed = false;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        try {
            const auto part = PartPath(ids[i]), blob = BlobPath(ids[i]);
            if (::rename(part.c_str(), blob.c_str()) != 0)
                ThrowErrno("rename " + part.filename().string());
            renamed = true;
        } catch (...) {
            errors[i] = std::current_exception();
        }
    }
    if (!renamed)
        return errors;
    try {
        SyncDirectory(dir_);
    } catch (...) {
        for (auto& error : errors)
            if (!error)
                error = std::current_exception();
    }
    return errors;
}

void LocalBlobStore::Remove(std::string_view id) const {
    ::unlink(PartPath(id).c_str());
    ::unlink(BlobPath(id).c_str());
    ::unlink(RekeyPath(id).c_str());
}

void LocalBlobStore::RemoveLeftovers(std::string_view id, bool complete) const {
    if (complete) {
        const auto part = PartPath(id), blob = BlobPath(id);
        struct stat st {};
        if (::stat(blob.c_str(), &st) != 0 && errno == ENOENT) {
            // The index committed the file complete and the crash came before
            // the rename: the part holds it (synced before the commit).
            if (::rename(part.c_str(), blob.c_str()) == 0)
                SyncDirectory(dir_);
        } else {
            ::unlink(part.c_str());
        }
    }
    ::unlink(RekeyPath(id).c_str());
}

std::vector<std::string> LocalBlobStore::ListIds() const {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        const auto name = entry.path().filename().string();
        const auto dot = name.find('.');
        const std::string id = name.substr(0, dot);
        if (IsValidId(id))
            ids.push_back(id);
    }
    return ids;
}

std::uint64_t LocalBlobStore::FreeBytes() const {
    struct statvfs vfs {};
    if (::statvfs(dir_.c_str(), &vfs) != 0)
        ThrowErrno("statvfs");
    return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

} // namespace sealpost::store
