#include "security/CookiePolicy.hxx"

#include "config/Config.hxx"
#include "http/Cookie.hxx"
#include "util/Text.hxx"

namespace sealpost::security {

CookiePolicy CookiePolicy::From(const Config& config) {
    return CookiePolicy(config.tls.Enabled() ||
                        LowerAscii(config.server.public_url).starts_with("https://"));
}

std::string CookiePolicy::SiteName(std::string_view base) const {
    return secure_ ? "__Host-" + std::string(base) : std::string(base);
}

std::string CookiePolicy::SiteCookie(std::string_view base, std::string_view value,
                                     std::int64_t max_age) const {
    return http::SetCookieValue(SiteName(base), value,
                                {.path = "/", .max_age = max_age, .secure = secure_});
}

std::optional<std::string> CookiePolicy::ReadSite(const http::Headers& headers,
                                                  std::string_view base) const {
    return http::GetCookie(headers, SiteName(base));
}

std::string CookiePolicy::PathCookie(std::string_view name, std::string_view value,
                                     std::string_view path, std::int64_t max_age) const {
    return http::SetCookieValue(name, value,
                                {.path = std::string(path), .max_age = max_age, .secure = secure_});
}

} // namespace sealpost::security
