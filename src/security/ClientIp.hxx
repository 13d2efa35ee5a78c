// The client's address as sealpost records and rate-limits it: the TCP peer, or, when
// the peer is one of security.trusted_proxies, the right-most X-Forwarded-For hop that
// is not itself a trusted proxy (hops left of it could be forged by the client; each
// trusted proxy appends the address it saw). Pure functions; any thread (handlers call
// them on the loop thread).
#pragma once

#include "config/IpNetwork.hxx"

#include <span>
#include <string>
#include <string_view>

namespace sealpost::http {
struct Request;
class Exchange;
} // namespace sealpost::http

namespace sealpost::security {

/// peer is the TCP peer address; forwarded_for is every X-Forwarded-For value in
/// order, joined with ','. A hop that is not an IP literal ends the walk: the answer
/// is then the nearest trusted address walked so far. Ports and IPv6 brackets on hops
/// ("[2001:db8::1]:443", "192.0.2.1:5000") are removed.
std::string ClientIp(std::string_view peer, std::string_view forwarded_for,
                     std::span<const IpNetwork> trusted_proxies);

std::string ClientIp(const http::Request& request, std::span<const IpNetwork> trusted_proxies);
std::string ClientIp(const http::Exchange& exchange, std::span<const IpNetwork> trusted_proxies);

} // namespace sealpost::security
