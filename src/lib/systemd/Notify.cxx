#include "lib/systemd/Notify.hxx"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace sealpost::systemd {
namespace {

NotifyResult Fail(std::string* error, std::string text) noexcept {
    if (error) {
        try {
            *error = std::move(text);
        } catch (...) {
        }
    }
    return NotifyResult::failed;
}

} // namespace

NotifyResult Notify(std::string_view state, std::string* error) noexcept {
    const char* env = std::getenv("NOTIFY_SOCKET");
    if (env == nullptr || env[0] == '\0')
        return NotifyResult::not_supervised;
    const std::string_view name(env);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // A path must be absolute; "@name" is the abstract name "\0name".
    if ((name[0] != '/' && name[0] != '@') || name.size() >= sizeof(address.sun_path))
        return Fail(error, "NOTIFY_SOCKET is not an absolute path or @abstract name");
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@')
        address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                               (name[0] == '@' ? 0 : 1));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Fail(error, std::string("socket: ") + std::strerror(errno));
    ssize_t sent;
    do {
        sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&address), length);
    } while (sent < 0 && errno == EINTR);
    const int saved = errno;
    ::close(fd);
    if (sent < 0)
        return Fail(error, std::string("sendto ") + env + ": " + std::strerror(saved));
    if (static_cast<std::size_t>(sent) != state.size())
        return Fail(error, "short datagram to NOTIFY_SOCKET");
    return NotifyResult::sent;
}

} // namespace sealpost::systemd
