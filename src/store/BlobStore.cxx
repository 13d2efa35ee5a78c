#include "store/BlobStore.hxx"
#include "store/Ids.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace sealpost::store {
namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void CheckId(std::string_view id) {
    if (!IsValidId(id))
        throw std::invalid_argument("invalid blob id");
}

void SyncDirectory(const std::filesystem::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd)
        ::fsync(fd.get());
}

} // namespace

BlobStore::BlobStore(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
}

std::filesystem::path BlobStore::PartPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".part");
}

std::filesystem::path BlobStore::BlobPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".age");
}

std::filesystem::path BlobStore::RekeyPath(std::string_view id) const {
    CheckId(id);
    return dir_ / (std::string(id) + ".rekey");
}

UniqueFd BlobStore::CreatePart(std::string_view id) const {
    const auto path = PartPath(id);
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    if (!fd)
        ThrowErrno("create " + path.filename().string());
    return fd;
}

UniqueFd BlobStore::OpenPart(std::string_view id) const {
    const auto path = PartPath(id);
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd)
        ThrowErrno("open " + path.filename().string());
    return fd;
}

UniqueFd BlobStore::OpenBlob(std::string_view id) const {
    const auto path = BlobPath(id);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        ThrowErrno("open " + path.filename().string());
    return fd;
}

UniqueFd BlobStore::CreateRekey(std::string_view id) const {
    const auto path = RekeyPath(id);
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600));
    if (!fd)
        ThrowErrno("create " + path.filename().string());
    return fd;
}

void BlobStore::ReplacePart(std::string_view id) const {
    const auto rekey = RekeyPath(id), part = PartPath(id);
    if (::rename(rekey.c_str(), part.c_str()) != 0)
        ThrowErrno("rename " + rekey.filename().string());
    SyncDirectory(dir_);
}

void BlobStore::Commit(std::string_view id) const {
    const auto part = PartPath(id), blob = BlobPath(id);
    if (::rename(part.c_str(), blob.c_str()) != 0)
        ThrowErrno("rename " + part.filename().string());
    SyncDirectory(dir_);
}

void BlobStore::Remove(std::string_view id) const {
    ::unlink(PartPath(id).c_str());
    ::unlink(BlobPath(id).c_str());
    ::unlink(RekeyPath(id).c_str());
}

std::vector<std::string> BlobStore::ListIds() const {
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

std::uint64_t BlobStore::FreeBytes() const {
    struct statvfs vfs {};
    if (::statvfs(dir_.c_str(), &vfs) != 0)
        ThrowErrno("statvfs");
    return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

void BlobStore::WriteAt(int fd, std::span<const std::uint8_t> data, std::uint64_t offset) {
    while (!data.empty()) {
        const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ThrowErrno("write blob");
        }
        data = data.subspan(static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
    }
}

std::size_t BlobStore::ReadAt(int fd, std::span<std::uint8_t> data, std::uint64_t offset) {
    std::size_t total = 0;
    while (total < data.size()) {
        const ssize_t n = ::pread(fd, data.data() + total, data.size() - total,
                                  static_cast<off_t>(offset + total));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ThrowErrno("read blob");
        }
        if (n == 0)
            break;
        total += static_cast<std::size_t>(n);
    }
    return total;
}

void BlobStore::DataSync(int fd) {
    if (::fdatasync(fd) != 0)
        ThrowErrno("fdatasync blob");
}

void BlobStore::StartWriteback(int fd, std::uint64_t offset, std::uint64_t length) {
    ::sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(length),
                      SYNC_FILE_RANGE_WRITE);
}

std::uint64_t BlobStore::FileSize(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        ThrowErrno("fstat blob");
    return static_cast<std::uint64_t>(st.st_size);
}

} // namespace sealpost::store
