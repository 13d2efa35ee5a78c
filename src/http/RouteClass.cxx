#include "http/RouteClass.hxx"

namespace sealpost::http {

RouteClass ClassifyRoute(std::string_view pattern) noexcept {
    if (pattern == "/healthz" || pattern == "/metrics")
        return RouteClass::service;
    if (pattern.starts_with("/api/v1/admin/") || pattern == "/api/v1/admin")
        return RouteClass::admin;
    if (pattern.starts_with("/api/v1/transfers/{id}/files"))
        return RouteClass::upload;
    if (pattern.starts_with("/api/v1/downloads/"))
        return RouteClass::download;
    if (pattern.starts_with("/api/"))
        return RouteClass::api;
    return RouteClass::static_files;
}

std::string_view ToString(RouteClass route_class) noexcept {
    switch (route_class) {
    case RouteClass::static_files:
        return "static";
    case RouteClass::api:
        return "api";
    case RouteClass::upload:
        return "upload";
    case RouteClass::download:
        return "download";
    case RouteClass::admin:
        return "admin";
    case RouteClass::service:
        return "service";
    }
    return "static";
}

} // namespace sealpost::http
