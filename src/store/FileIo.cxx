#include "store/FileIo.hxx"
#include "store/UniqueFd.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sealpost::store {

void ThrowErrno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void SyncDirectory(const std::filesystem::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0)
        ThrowErrno("sync " + dir.filename().string());
}

void WriteAt(int fd, std::span<const std::uint8_t> data, std::uint64_t offset) {
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

std::size_t ReadAt(int fd, std::span<std::uint8_t> data, std::uint64_t offset) {
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

void DataSync(int fd) {
    if (::fdatasync(fd) != 0)
        ThrowErrno("fdatasync blob");
}

void StartWriteback(int fd, std::uint64_t offset, std::uint64_t length) {
    ::sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(length),
                      SYNC_FILE_RANGE_WRITE);
}

std::uint64_t FileSize(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        ThrowErrno("fstat blob");
    return static_cast<std::uint64_t>(st.st_size);
}

} // namespace sealpost::store
