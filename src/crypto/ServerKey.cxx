#include "crypto/ServerKey.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/sodium/Wipe.hxx"

#include <array>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace sealpost::crypto {
namespace {

/// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
    int fd_;

public:
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int Get() const noexcept { return fd_; }
};

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what) {
    throw ServerKeyError("server key " + path.string() + ": " + what);
}

[[noreturn]] void FailErrno(const std::filesystem::path& path, const std::string& what) {
    Fail(path, what + ": " + std::strerror(errno));
}

std::string OctalMode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

void CheckDirectory(const std::filesystem::path& directory) {
    if (::mkdir(directory.c_str(), 0700) == 0)
        return;
    if (errno != EEXIST)
        FailErrno(directory, "cannot create key directory");
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0)
        FailErrno(directory, "cannot inspect key directory");
    if (!S_ISDIR(st.st_mode))
        Fail(directory, "is not a directory");
    if ((st.st_mode & 022) != 0)
        Fail(directory, "directory is writable by group or others (mode " + OctalMode(st.st_mode) +
                            "); run: chmod 700 " + directory.string());
}

/// Reads the key from an open descriptor after checking type, owner, mode, size.
SymmetricKey ReadKey(const std::filesystem::path& path, int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        FailErrno(path, "cannot inspect key file");
    if (!S_ISREG(st.st_mode))
        Fail(path, "is not a regular file");
    if (st.st_uid != ::geteuid())
        Fail(path, "is owned by uid " + std::to_string(st.st_uid) + ", not by the server's uid " +
                       std::to_string(::geteuid()));
    if ((st.st_mode & 077) != 0)
        Fail(path, "is accessible by group or others (mode " + OctalMode(st.st_mode) +
                       "); run: chmod 600 " + path.string());
    if (st.st_size != static_cast<off_t>(kSymmetricKeySize))
        Fail(path, "has " + std::to_string(st.st_size) + " bytes; a server key has exactly " +
                       std::to_string(kSymmetricKeySize) +
                       " (a damaged key cannot be repaired: restore it from backup)");
    SymmetricKey key;
    std::size_t done = 0;
    while (done < key.size()) {
        const ssize_t n =
            ::pread(fd, key.data() + done, key.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            FailErrno(path, "cannot read key file");
        if (n == 0)
            Fail(path, "shrank while being read");
        done += static_cast<std::size_t>(n);
    }
    return key;
}

/// Writes a fresh key to a temporary file and links it into place, so a crash
/// never leaves a partial key and two racing starts agree on one key. Returns
/// false if another process created the key file first.
bool CreateKey(const std::filesystem::path& path) {
    std::string temporary = path.string() + ".tmp-XXXXXX";
    FileDescriptor fd{::mkstemp(temporary.data())};
    if (fd.Get() < 0)
        FailErrno(path, "cannot create temporary key file");
    const auto remove_temporary = [&temporary] { ::unlink(temporary.c_str()); };
    try {
        if (::fchmod(fd.Get(), 0600) != 0)
            FailErrno(path, "cannot set key file mode");
        const SymmetricKey key = SymmetricKey::Random();
        std::size_t done = 0;
        while (done < key.size()) {
            const ssize_t n = ::write(fd.Get(), key.data() + done, key.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                FailErrno(path, "cannot write key file");
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(fd.Get()) != 0)
            FailErrno(path, "cannot sync key file");
        if (::link(temporary.c_str(), path.c_str()) != 0) {
            if (errno == EEXIST) {
                remove_temporary();
                return false;
            }
            FailErrno(path, "cannot move key file into place");
        }
    } catch (...) {
        remove_temporary();
        throw;
    }
    remove_temporary();
    const auto directory =
        path.parent_path().empty() ? std::filesystem::path{"."} : path.parent_path();
    FileDescriptor dir{::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.Get() >= 0)
        ::fsync(dir.Get());
    return true;
}

} // namespace

ServerKey ServerKey::Load(const std::filesystem::path& key_file) {
    FileDescriptor fd{::open(key_file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (fd.Get() < 0) {
        if (errno == ELOOP)
            Fail(key_file, "is a symbolic link; refusing to follow it");
        FailErrno(key_file, "cannot open key file");
    }
    return ServerKey{ReadKey(key_file, fd.Get())};
}

ServerKey ServerKey::LoadOrCreate(const std::filesystem::path& key_file) {
    const auto directory = key_file.parent_path();
    if (!directory.empty()) {
        std::error_code error;
        if (!directory.parent_path().empty())
            std::filesystem::create_directories(directory.parent_path(), error);
        if (error)
            Fail(directory, "cannot create parent directory: " + error.message());
        CheckDirectory(directory);
    }
    if (::access(key_file.c_str(), F_OK) != 0) {
        if (errno != ENOENT)
            FailErrno(key_file, "cannot inspect key file");
        CreateKey(key_file);
    }
    return Load(key_file);
}

bool ServerKey::SameAs(const ServerKey& other) const noexcept {
    return sodium::ConstantTimeEqual(key_.Span(), other.key_.Span());
}

SymmetricKey ServerKey::Derive(std::string_view label) const {
    std::array<std::uint8_t, kSymmetricKeySize> out{};
    sodium::Blake2b(out, key_.Span(),
                    {reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
    SymmetricKey derived(std::span<const std::uint8_t, kSymmetricKeySize>(out.data(), out.size()));
    sodium::Wipe(out.data(), out.size());
    return derived;
}

} // namespace sealpost::crypto
