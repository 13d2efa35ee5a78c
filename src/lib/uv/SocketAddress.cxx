#include "lib/uv/SocketAddress.hxx"

#include <uv.h>

#include <charconv>

namespace sealpost::uv {

std::optional<HostPort> ParseHostPort(std::string_view text) {
    std::string_view host, port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon)
            return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (host.empty() || port.empty() || ec != std::errc{} || ptr != port.data() + port.size() ||
        value > 65535)
        return std::nullopt;
    return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

bool ToSockaddr(const HostPort& hp, sockaddr_storage& out) {
    if (uv_ip4_addr(hp.host.c_str(), hp.port, reinterpret_cast<sockaddr_in*>(&out)) == 0)
        return true;
    return uv_ip6_addr(hp.host.c_str(), hp.port, reinterpret_cast<sockaddr_in6*>(&out)) == 0;
}

std::string AddressToString(const sockaddr* address) {
    char buffer[INET6_ADDRSTRLEN] = "";
    if (address->sa_family == AF_INET)
        uv_ip4_name(reinterpret_cast<const sockaddr_in*>(address), buffer, sizeof(buffer));
    else if (address->sa_family == AF_INET6)
        uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(address), buffer, sizeof(buffer));
    return buffer;
}

std::string AddressWithPort(const sockaddr* address) {
    const std::string host = AddressToString(address);
    if (address->sa_family == AF_INET6)
        return "[" + host + "]:" +
               std::to_string(ntohs(reinterpret_cast<const sockaddr_in6*>(address)->sin6_port));
    return host + ":" +
           std::to_string(ntohs(reinterpret_cast<const sockaddr_in*>(address)->sin_port));
}

} // namespace sealpost::uv
