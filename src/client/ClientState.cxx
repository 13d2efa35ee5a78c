#include "client/ClientState.hxx"
#include "client/ClientError.hxx"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sealpost::client {

namespace {

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
    throw ClientError(kExitFailure, what + " " + path.string() + ": " + std::strerror(errno));
}

/// An exclusive flock on the state's lock file for the lifetime of the object.
class FileLock {
    int fd_;

public:
    explicit FileLock(const std::filesystem::path& path)
        : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0)
            Fail("cannot open", path);
        while (::flock(fd_, LOCK_EX) != 0)
            if (errno != EINTR)
                Fail("cannot lock", path);
    }
    ~FileLock() { ::close(fd_); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
};

nlohmann::json Load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return nlohmann::json::object();
    std::stringstream text;
    text << in.rdbuf();
    auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw ClientError(kExitFailure, "the state file " + path.string() +
                                            " is damaged; remove it to start over");
    return doc;
}

void Store(const std::filesystem::path& path, const nlohmann::json& doc) {
    const std::filesystem::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        Fail("cannot write", temporary);
    const std::string text = doc.dump(2) + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ::close(fd);
            Fail("cannot write", temporary);
        }
        done += static_cast<std::size_t>(n);
    }
    ::fchmod(fd, 0600);
    if (::fsync(fd) != 0 || ::close(fd) != 0)
        Fail("cannot write", temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        Fail("cannot replace", path);
}

} // namespace

ClientState::ClientState(std::filesystem::path path) : path_(std::move(path)) {}

std::filesystem::path ClientState::DefaultFolder() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
        return std::filesystem::path(xdg) / "sealpost";
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        throw ClientError(kExitUsage, "neither XDG_CONFIG_HOME nor HOME is set");
    return std::filesystem::path(home) / ".config" / "sealpost";
}

nlohmann::json ClientState::Read() {
    std::lock_guard guard(mutex_);
    if (!std::filesystem::exists(path_))
        return nlohmann::json::object();
    FileLock lock(path_.string() + ".lock");
    return Load(path_);
}

void ClientState::Update(const std::function<void(nlohmann::json&)>& change) {
    std::lock_guard guard(mutex_);
    const auto folder = path_.parent_path();
    std::error_code ignored;
    if (!std::filesystem::exists(folder)) {
        std::filesystem::create_directories(folder, ignored);
        ::chmod(folder.c_str(), 0700);
    }
    FileLock lock(path_.string() + ".lock");
    nlohmann::json doc = Load(path_);
    change(doc);
    Store(path_, doc);
}

} // namespace sealpost::client
