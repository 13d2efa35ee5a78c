// How sealpost's cookies are named and flagged (the OpenAPI document, Cookies): every cookie
// is HttpOnly and SameSite=Strict; when the service is reached over HTTPS
// (server.public_url is https, or TLS ends in sealpost) it is also Secure, and the
// cookies with Path=/ (sp_client, sp_admin) take the `__Host-` prefix, which a
// browser accepts only from a secure origin, with Path=/ and without Domain — so
// neither a sibling subdomain nor a plain-HTTP man in the middle can plant them.
// Cookies scoped to a narrower path (the per-download sp_access) cannot use
// `__Host-` and get Secure only. Reading accepts only the name in force.
//
// Value type built once from the configuration; pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {
struct Config;
}
namespace sealpost::http {
class Headers;
}

namespace sealpost::security {

class CookiePolicy {
public:
    explicit CookiePolicy(bool secure) noexcept : secure_(secure) {}
    /// Secure when server.public_url starts with https:// or tls is enabled.
    static CookiePolicy From(const Config& config);

    bool Secure() const noexcept { return secure_; }

    /// The name a Path=/ cookie goes by: "__Host-" + base when secure, else base.
    std::string SiteName(std::string_view base) const;
    /// Set-Cookie for a Path=/ cookie (max_age 0 deletes it).
    std::string SiteCookie(std::string_view base, std::string_view value,
                           std::int64_t max_age) const;
    /// The value of the Path=/ cookie `base` under the name in force.
    std::optional<std::string> ReadSite(const http::Headers& headers, std::string_view base) const;

    /// Set-Cookie for a cookie scoped to `path` (no prefix; Secure when secure).
    std::string PathCookie(std::string_view name, std::string_view value, std::string_view path,
                           std::int64_t max_age) const;

private:
    bool secure_;
};

} // namespace sealpost::security
