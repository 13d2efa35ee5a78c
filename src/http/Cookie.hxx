// Cookies (RFC 6265): reading one from a request's Cookie header(s) and
// building a Set-Cookie value with the attributes the README's Security section requires (HttpOnly,
// SameSite=Strict, Secure under TLS). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::http {

class Headers;

/// The value of the first cookie called `name` in the Cookie header fields,
/// or nullopt.
std::optional<std::string> GetCookie(const Headers& headers, std::string_view name);

struct CookieOptions {
    std::string path = "/";
    /// Seconds; 0 deletes the cookie (Max-Age=0). Session cookies are not used.
    std::int64_t max_age = 0;
    /// Set under TLS.
    bool secure = false;
};

/// "name=value; Path=…; Max-Age=…; HttpOnly; SameSite=Strict[; Secure]".
/// `value` must be cookie-octets only (the callers use base64url and ids).
std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieOptions& options);

} // namespace sealpost::http
