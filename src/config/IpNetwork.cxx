#include "IpNetwork.hxx"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace sealpost {

namespace {

struct ParsedIp {
    std::array<std::uint8_t, 16> bytes{};
    bool ipv6 = false;
};

std::optional<ParsedIp> ParseIp(std::string_view text) noexcept {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
        return std::nullopt;
    char buffer[INET6_ADDRSTRLEN] = {};
    std::memcpy(buffer, text.data(), text.size());
    ParsedIp ip;
    if (inet_pton(AF_INET, buffer, ip.bytes.data()) == 1)
        return ip;
    ip.ipv6 = true;
    if (inet_pton(AF_INET6, buffer, ip.bytes.data()) == 1)
        return ip;
    return std::nullopt;
}

/// Clears every bit after the first prefix_length bits.
std::array<std::uint8_t, 16> Masked(std::array<std::uint8_t, 16> bytes, unsigned prefix_length) {
    for (unsigned bit = prefix_length; bit < 128; ++bit)
        bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return bytes;
}

} // namespace

bool IsIpv4Literal(std::string_view text) noexcept {
    const auto ip = ParseIp(text);
    return ip && !ip->ipv6;
}

bool IsIpv6Literal(std::string_view text) noexcept {
    const auto ip = ParseIp(text);
    return ip && ip->ipv6;
}

bool IpNetwork::Contains(std::string_view text) const noexcept {
    auto ip = ParseIp(text);
    if (!ip)
        return false;
    static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (ip->ipv6 && !ipv6 && std::memcmp(ip->bytes.data(), kMappedPrefix, 12) == 0) {
        std::memmove(ip->bytes.data(), ip->bytes.data() + 12, 4);
        std::memset(ip->bytes.data() + 4, 0, 12);
        ip->ipv6 = false;
    }
    return ip->ipv6 == ipv6 && Masked(ip->bytes, prefix_length) == address;
}

std::string IpNetwork::ToString() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(ipv6 ? AF_INET6 : AF_INET, address.data(), buffer, sizeof(buffer));
    if (prefix_length == (ipv6 ? 128u : 32u))
        return buffer;
    return fmt::format("{}/{}", buffer, prefix_length);
}

IpNetwork ParseIpNetwork(std::string_view text) {
    const auto slash = text.find('/');
    const auto address_text = text.substr(0, slash);
    const auto ip = ParseIp(address_text);
    if (!ip)
        throw std::invalid_argument(fmt::format(
            "expected an IP address or CIDR network such as \"10.0.0.0/8\", got \"{}\"", text));

    IpNetwork network;
    network.ipv6 = ip->ipv6;
    const unsigned max_prefix = ip->ipv6 ? 128 : 32;
    network.prefix_length = max_prefix;
    if (slash != std::string_view::npos) {
        const auto prefix_text = text.substr(slash + 1);
        const char* end = prefix_text.data() + prefix_text.size();
        unsigned prefix = 0;
        const auto [ptr, ec] = std::from_chars(prefix_text.data(), end, prefix);
        if (prefix_text.empty() || ec != std::errc() || ptr != end || prefix > max_prefix)
            throw std::invalid_argument(fmt::format(
                "prefix length must be a number in 0..{}, got \"{}\"", max_prefix, text));
        network.prefix_length = prefix;
    }
    network.address = Masked(ip->bytes, network.prefix_length);
    if (network.address != ip->bytes)
        throw std::invalid_argument(fmt::format("\"{}\" has host bits set; did you mean \"{}\"?",
                                                text, network.ToString()));
    return network;
}

} // namespace sealpost
