// An IP network in CIDR form ("10.0.0.0/8", "fd00::/8"), or a single address (a /32 or
// /128), as used by security.trusted_proxies to decide whose X-Forwarded-For header is
// believed. Also the IP literal checks the config parsers share. Value types; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sealpost {

struct IpNetwork {
    /// Network address in network byte order; IPv4 uses the first four bytes.
    std::array<std::uint8_t, 16> address{};
    bool ipv6 = false;
    unsigned prefix_length = 0;

    /// Whether the address given as text (IPv4 or IPv6, no brackets) lies inside.
    /// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match IPv4 networks.
    bool Contains(std::string_view ip) const noexcept;

    /// "a.b.c.d/n" or "x::y/n"; a single address prints without the prefix length.
    std::string ToString() const;

    bool operator==(const IpNetwork&) const = default;
};

/// Parses "ADDRESS" or "ADDRESS/PREFIX". Throws std::invalid_argument saying what is
/// wrong; host bits set below the prefix are refused with the corrected network named.
IpNetwork ParseIpNetwork(std::string_view text);

bool IsIpv4Literal(std::string_view text) noexcept;
bool IsIpv6Literal(std::string_view text) noexcept;

} // namespace sealpost
