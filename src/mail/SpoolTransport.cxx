#include "mail/SpoolTransport.hxx"

#include "log/Log.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sealpost {

namespace {

/// Closes the descriptor on every path out of Deliver().
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }

    int Get() const noexcept { return fd_; }
    /// Closes now and reports whether close succeeded (NFS reports late
    /// write errors here).
    bool Close() noexcept { return ::close(std::exchange(fd_, -1)) == 0; }

private:
    int fd_;
};

bool IsSafeId(std::string_view id) noexcept {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

bool WriteAll(int fd, std::string_view data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

DeliveryResult Failure(std::string_view what, int error) {
    return {DeliveryResult::Status::transport_down,
            fmt::format("spool: {}: {}", what, std::strerror(error))};
}

} // namespace

SpoolTransport::SpoolTransport(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
}

DeliveryResult SpoolTransport::Deliver(std::string_view id, const MailEnvelope& envelope,
                                       std::string_view message) noexcept {
    if (!IsSafeId(id))
        return {DeliveryResult::Status::failed, "spool: unusable message id"};
    try {
        const std::string name = fmt::format("{}.eml", id);
        const std::filesystem::path temporary = dir_ / fmt::format(".{}.tmp", id);
        const std::filesystem::path final_path = dir_ / name;

        // O_TRUNC: a leftover from an interrupted earlier attempt is replaced.
        FileDescriptor file(
            ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (file.Get() < 0)
            return Failure("cannot create a spool file", errno);
        if (::fchmod(file.Get(), 0600) != 0 || !WriteAll(file.Get(), message) ||
            ::fsync(file.Get()) != 0 || !file.Close()) {
            const int error = errno;
            ::unlink(temporary.c_str());
            return Failure("cannot write a spool file", error);
        }
        if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
            const int error = errno;
            ::unlink(temporary.c_str());
            return Failure("cannot rename a spool file", error);
        }
        // The rename is durable once the directory is synced.
        FileDescriptor folder(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (folder.Get() < 0 || ::fsync(folder.Get()) != 0)
            return Failure("cannot sync the spool folder", errno);

        log::Write(log::Level::info, "mail_spooled",
                   {{"file", name}, {"recipients", std::to_string(envelope.recipients.size())}});
        return {DeliveryResult::Status::sent, {}};
    } catch (const std::exception& e) {
        return {DeliveryResult::Status::transport_down, fmt::format("spool: {}", e.what())};
    }
}

} // namespace sealpost
