#include "client/OutputFolder.hxx"
#include "client/ClientError.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sealpost::client {

namespace {

[[noreturn]] void Fail(const std::string& what) {
    throw ClientError(kExitFailure, what + ": " + std::strerror(errno));
}

constexpr std::size_t kMaxPart = 200;

} // namespace

OutputFolder::OutputFolder(const std::filesystem::path& path) : path_(path) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0)
        Fail("cannot open the folder " + path.string());
}

OutputFolder::~OutputFolder() {
    if (fd_ >= 0)
        ::close(fd_);
}

OutputFolder::Target::Target(Target&& other) noexcept
    : dir_fd(other.dir_fd), final_name(std::move(other.final_name)),
      part_name(std::move(other.part_name)), shown(std::move(other.shown)) {
    other.dir_fd = -1;
}

OutputFolder::Target::~Target() {
    if (dir_fd >= 0)
        ::close(dir_fd);
}

std::vector<std::string> OutputFolder::SafeParts(const std::string& name,
                                                 const std::string& fallback) {
    std::vector<std::string> parts;
    std::string current;
    const auto flush = [&] {
        if (!current.empty() && current != "." && current != "..") {
            if (current.size() > kMaxPart)
                current.resize(kMaxPart);
            parts.push_back(current);
        }
        current.clear();
    };
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '/' || c == '\\')
            flush();
        else if (byte < 0x20 || byte == 0x7f)
            current += '_';
        else
            current += c;
    }
    flush();
    if (parts.empty())
        parts.push_back(fallback);
    // A leading dot would hide the file and could clash with the partial names.
    if (parts.back().front() == '.')
        parts.back().front() = '_';
    return parts;
}

OutputFolder::Target OutputFolder::Resolve(const std::vector<std::string>& parts) const {
    Target target;
    target.dir_fd = ::dup(fd_);
    if (target.dir_fd < 0)
        Fail("dup");
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (::mkdirat(target.dir_fd, parts[i].c_str(), 0700) != 0 && errno != EEXIST)
            Fail("cannot create the folder " + parts[i]);
        const int next = ::openat(target.dir_fd, parts[i].c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            Fail("cannot open the folder " + parts[i] + " (a link or a file?)");
        ::close(target.dir_fd);
        target.dir_fd = next;
        target.shown += parts[i] + "/";
    }
    target.final_name = parts.back();
    target.part_name = "." + parts.back() + ".sealpost-part";
    target.shown += parts.back();
    return target;
}

bool OutputFolder::Exists(const Target& target) {
    struct stat st {};
    return ::fstatat(target.dir_fd, target.final_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

std::uint64_t OutputFolder::PartSize(const Target& target) {
    struct stat st {};
    if (::fstatat(target.dir_fd, target.part_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode))
        return 0;
    return static_cast<std::uint64_t>(st.st_size);
}

int OutputFolder::OpenPart(const Target& target, bool fresh) {
    const int fd =
        ::openat(target.dir_fd, target.part_name.c_str(),
                 O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (fresh ? O_TRUNC : O_APPEND), 0600);
    if (fd < 0)
        Fail("cannot write " + target.shown);
    return fd;
}

void OutputFolder::Commit(const Target& target) {
    if (::renameat(target.dir_fd, target.part_name.c_str(), target.dir_fd,
                   target.final_name.c_str()) != 0)
        Fail("cannot rename into " + target.shown);
}

void OutputFolder::RemovePart(const Target& target) {
    ::unlinkat(target.dir_fd, target.part_name.c_str(), 0);
}

} // namespace sealpost::client
