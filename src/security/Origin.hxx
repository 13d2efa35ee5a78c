// Same-origin checks for state-changing requests (product.md §5: "state-changing
// requests check Origin"), shared by the transfer API and the admin API. Pure
// functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sealpost::http {
struct Request;
}

namespace sealpost::security {

/// "scheme://host[:port]" of an absolute URL, lower-cased; empty if it has no scheme.
std::string OriginOf(std::string_view url);

/// Whether the request's Origin header names this service: the origin of public_url,
/// or the scheme and Host the request arrived with. nullopt when there is no Origin.
std::optional<bool> FromOwnOrigin(const http::Request& request, std::string_view public_url);

} // namespace sealpost::security
