// Same-origin checks for state-changing requests (README: "state-changing
// requests check Origin"), shared by the transfer API and the admin API. A browser
// sends Origin with every POST, PATCH, PUT and DELETE, so a request that sets or
// uses a cookie must carry this service's own Origin; a script authenticated by a
// bearer token sends none and is let through, but a foreign Origin is refused
// everywhere. Pure functions, and CheckOrigin answering 403; loop thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sealpost::http {
struct Request;
class Exchange;
} // namespace sealpost::http

namespace sealpost::security {

/// "scheme://host[:port]" of an absolute URL, lower-cased; empty if it has no scheme.
std::string OriginOf(std::string_view url);

/// Whether the request's Origin header names this service: the origin of public_url,
/// or the scheme and Host the request arrived with. nullopt when there is no Origin.
std::optional<bool> FromOwnOrigin(const http::Request& request, std::string_view public_url);

/// GET, HEAD and OPTIONS change nothing; every other method does.
bool IsStateChanging(std::string_view method) noexcept;

enum class OriginRule {
    /// The request sets or uses a cookie: Origin must be present and ours.
    required,
    /// A script's request (bearer token, no cookie): an Origin, if any, must be ours.
    if_present,
};

/// For a state-changing request: true when `rule` is met, otherwise answers 403
/// (problem+json) and returns false. Other methods always pass.
bool CheckOrigin(http::Exchange& ex, std::string_view public_url, OriginRule rule);

} // namespace sealpost::security
