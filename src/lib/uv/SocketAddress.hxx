// Parsing and formatting of IPv4/IPv6 socket addresses ("127.0.0.1:8080",
// "[::1]:8080"). Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;
struct sockaddr_storage;

namespace sealpost::uv {

struct HostPort {
    std::string host;
    std::uint16_t port;
};

std::optional<HostPort> ParseHostPort(std::string_view text);

/// Fills `out` from a numeric host and port; false if the host is not an IP literal.
bool ToSockaddr(const HostPort& hp, sockaddr_storage& out);

/// "1.2.3.4" or "::1" (no port), for logs and the audit trail.
std::string AddressToString(const sockaddr* address);
/// "1.2.3.4:80" or "[::1]:80".
std::string AddressWithPort(const sockaddr* address);

} // namespace sealpost::uv
