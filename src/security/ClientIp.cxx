#include "security/ClientIp.hxx"

#include "http/Exchange.hxx"
#include "http/Request.hxx"
#include "util/Text.hxx"

#include <optional>

namespace sealpost::security {

namespace {

bool IsTrusted(std::string_view ip, std::span<const IpNetwork> trusted) {
    for (const IpNetwork& network : trusted)
        if (network.Contains(ip))
            return true;
    return false;
}

/// The IP literal of one hop, without brackets or port; nullopt if it is none.
std::optional<std::string_view> HopAddress(std::string_view hop) {
    hop = TrimBlanks(hop);
    if (hop.starts_with('[')) {
        const auto close = hop.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        hop = hop.substr(1, close - 1);
    } else if (const auto colon = hop.find(':');
               colon != std::string_view::npos &&
               hop.find(':', colon + 1) == std::string_view::npos) {
        hop = hop.substr(0, colon); // IPv4 with a port
    }
    if (IsIpv4Literal(hop) || IsIpv6Literal(hop))
        return hop;
    return std::nullopt;
}

} // namespace

std::string ClientIp(std::string_view peer, std::string_view forwarded_for,
                     std::span<const IpNetwork> trusted_proxies) {
    std::string_view client = peer;
    if (!IsTrusted(client, trusted_proxies))
        return std::string(client);
    std::string_view rest = forwarded_for;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const std::string_view hop =
            comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        if (TrimBlanks(hop).empty())
            continue;
        const auto address = HopAddress(hop);
        if (!address)
            break;
        client = *address;
        if (!IsTrusted(client, trusted_proxies))
            break;
    }
    return std::string(client);
}

std::string ClientIp(const http::Request& request, std::span<const IpNetwork> trusted_proxies) {
    std::string forwarded;
    for (const auto& [name, value] : request.headers.fields())
        if (http::EqualsIgnoreCase(name, "X-Forwarded-For")) {
            if (!forwarded.empty())
                forwarded += ',';
            forwarded += value;
        }
    return ClientIp(request.client_ip, forwarded, trusted_proxies);
}

std::string ClientIp(const http::Exchange& exchange, std::span<const IpNetwork> trusted_proxies) {
    return ClientIp(exchange.request(), trusted_proxies);
}

} // namespace sealpost::security
