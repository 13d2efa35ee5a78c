// Operational endpoints: /healthz, /metrics (only for metrics.allow),
// /api/v1/config and /api/v1/openapi.json.
#pragma once

namespace sealpost {
struct Config;
}
namespace sealpost::http {
class Router;
class Server;
} // namespace sealpost::http

namespace sealpost::app {

/// `server` (for its metrics) and `config` must outlive the router's use.
void AddServiceRoutes(http::Router& router, http::Server& server, const Config& config);

} // namespace sealpost::app
