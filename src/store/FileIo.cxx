#include "store/FileIo.hxx"
#include "store/UniqueFd.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <new>
#include <string>
#include <system_error>

namespace sealpost::store {

void DirectMemoryDelete::operator()(std::uint8_t* p) const noexcept {
    ::operator delete[](p, std::align_val_t{kDirectAlign});
}

DirectMemory AllocateDirectMemory(std::size_t size) {
    return DirectMemory(
        static_cast<std::uint8_t*>(::operator new[](size, std::align_val_t{kDirectAlign})));
}

namespace {

/// pwrite of the whole span through an O_DIRECT descriptor; false if the file
/// system refuses O_DIRECT for it (EINVAL), before anything was written.
bool DirectWrite(int direct, std::span<const std::uint8_t> data, std::uint64_t offset) {
    while (!data.empty()) {
        const ssize_t n = ::pwrite(direct, data.data(), data.size(), static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EINVAL)
                return false;
            ThrowErrno("write blob");
        }
        // A short O_DIRECT write (the disk filled up) ends on a block
        // boundary, so the rest stays aligned.
        data = data.subspan(static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
    }
    return true;
}

} // namespace

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

UniqueFd OpenDirect(int fd) {
    // Opening the file again (not dup) gives a description of its own, whose
    // O_DIRECT does not affect reads and writes through `fd`.
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    return UniqueFd(::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC));
}

bool WriteAtDirect(int direct, int fd, std::span<const std::uint8_t> data, std::uint64_t offset) {
    const std::uint64_t end = offset + data.size();
    const std::uint64_t first = (offset + kDirectAlign - 1) / kDirectAlign * kDirectAlign;
    const std::uint64_t last = end / kDirectAlign * kDirectAlign;
    const auto at = [&](std::uint64_t from, std::uint64_t to) {
        return data.subspan(static_cast<std::size_t>(from - offset),
                            static_cast<std::size_t>(to - from));
    };
    const auto* middle = data.data() + (first - offset);
    if (direct < 0 || last <= first ||
        reinterpret_cast<std::uintptr_t>(middle) % kDirectAlign != 0) {
        WriteAt(fd, data, offset);
        return false;
    }
    if (!DirectWrite(direct, at(first, last), first)) {
        WriteAt(fd, data, offset);
        return false;
    }
    WriteAt(fd, at(offset, first), offset);
    WriteAt(fd, at(last, end), last);
    return true;
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
