#include "app/ServiceRoutes.hxx"
#include "config/Config.hxx"
#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "http/Server.hxx"
#include "openapi/OpenApi.hxx"
#include "security/ClientIp.hxx"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace sealpost::app {

void AddServiceRoutes(http::Router& router, http::Server& server, const Config& config) {
    router.Add("GET", "/healthz", [](http::Exchange& ex) {
        ex.Respond(http::Response::Json(200, {{"status", "ok"}}));
    });
    router.Add("GET", "/metrics", [&server, &config](http::Exchange& ex) {
        // metrics.allow, checked against the client as the trusted proxies
        // resolve it: a proxy in front does not open the page to everyone.
        const std::string ip = security::ClientIp(ex, config.security.trusted_proxies);
        if (std::none_of(config.metrics.allow.begin(), config.metrics.allow.end(),
                         [&ip](const IpNetwork& network) { return network.Contains(ip); })) {
            ex.Respond(http::Response::Problem(403, "metrics are not available to this client"));
            return;
        }
        ex.Respond(http::Response::Text(200, server.metrics().Render(),
                                        "text/plain; version=0.0.4; charset=utf-8"));
    });
    router.Add("GET", "/api/v1/config", [&config](http::Exchange& ex) {
        nlohmann::json body = {
            {"max_retention_days", config.policy.max_retention_days},
            {"default_retention_days", config.policy.default_retention_days},
            {"languages", {"en", "sv"}},
            {"password_policy",
             {{"min_length", config.password.min_length},
              {"require_upper", config.password.require_upper},
              {"require_lower", config.password.require_lower},
              {"max_sequence", config.password.max_sequence}}},
            {"max_transfer_size", config.limits.max_transfer_size},
            {"quick_enabled", config.quick.enabled},
        };
        ex.Respond(http::Response::Json(200, body));
    });
    // Load() checks the embedded document here, at start.
    router.Add("GET", "/api/v1/openapi.json",
               [&document = openapi::Load()](http::Exchange& ex) { openapi::Serve(document, ex); });
}

} // namespace sealpost::app
