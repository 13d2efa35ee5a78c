// The address the server listens on: an IP literal and a port, parsed from
// "127.0.0.1:8080", "0.0.0.0:443" or "[::1]:8080". Port 0 asks the kernel for a free
// port (tests). A value type; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sealpost {

struct ListenAddress {
    /// IPv4 dotted quad or IPv6 text, without brackets.
    std::string host;
    std::uint16_t port = 0;

    bool IsIpv6() const noexcept { return host.find(':') != std::string::npos; }

    /// "host:port", with the host in brackets for IPv6.
    std::string ToString() const;

    bool operator==(const ListenAddress&) const = default;
};

/// Throws std::invalid_argument with a sentence saying what is wrong, e.g.
/// `expected HOST:PORT, got "8080"`.
ListenAddress ParseListenAddress(std::string_view text);

} // namespace sealpost
