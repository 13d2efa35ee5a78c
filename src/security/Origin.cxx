#include "security/Origin.hxx"

#include "http/Exchange.hxx"
#include "http/Request.hxx"
#include "http/Response.hxx"
#include "util/Text.hxx"

namespace sealpost::security {

std::string OriginOf(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return {};
    return LowerAscii(url.substr(0, url.find('/', scheme_end + 3)));
}

std::optional<bool> FromOwnOrigin(const http::Request& request, std::string_view public_url) {
    const auto origin = request.headers.Get("origin");
    if (!origin)
        return std::nullopt;
    const std::string given = LowerAscii(*origin);
    if (given == OriginOf(public_url))
        return true;
    const auto host = request.headers.Get("host");
    return host && given == LowerAscii(std::string(request.tls ? "https://" : "http://") +
                                       std::string(*host));
}

bool IsStateChanging(std::string_view method) noexcept {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool CheckOrigin(http::Exchange& ex, std::string_view public_url, OriginRule rule) {
    const auto& request = ex.request();
    if (!IsStateChanging(request.method))
        return true;
    const auto own = FromOwnOrigin(request, public_url);
    if (own.value_or(rule == OriginRule::if_present))
        return true;
    ex.Respond(http::Response::Problem(403, own ? "cross-origin request refused"
                                                : "a browser request must carry its Origin"));
    return false;
}

} // namespace sealpost::security
