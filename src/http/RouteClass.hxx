// What kind of request a route serves, for the request-duration histogram and
// the request log: static (web UI pages and files), api, upload (tus and PUT
// under a transfer's files), download, admin, service (/healthz, /metrics).
// Derived from the route pattern, never from a user-chosen path. Pure; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace sealpost::http {

enum class RouteClass { static_files, api, upload, download, admin, service };
inline constexpr std::size_t kRouteClassCount = 6;

/// `pattern` is the matched route's pattern ("/api/v1/transfers/{id}"), or
/// the request path when no route matched (static files, 404).
RouteClass ClassifyRoute(std::string_view pattern) noexcept;
std::string_view ToString(RouteClass route_class) noexcept;

} // namespace sealpost::http
