// Who is calling a sender-side route (the OpenAPI document, Senders): a bearer API token, or a
// browser's sp_client cookie holding a verified identity. Also builds and reads
// that cookie (under the name and flags of the CookiePolicy) and applies the Origin
// rule: a cookie-authenticated state-changing request must carry this service's
// Origin; a token client may omit it. Unknown tokens are rate-limited per client
// address (10 per 10 minutes).
//
// Lives on the loop thread, owned by the transfer ApiContext; routes hold a
// reference. Reads the sender store on the loop thread (short LMDB reads).
#pragma once

#include "identity/SenderStore.hxx"
#include "security/CookiePolicy.hxx"
#include "security/RateLimiter.hxx"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {
struct Config;
}
namespace sealpost::http {
class Exchange;
}

namespace sealpost::security {

/// Who is calling a sender-side route.
struct SenderAuth {
    std::string email; ///< the verified address (lower-case domain as typed)
    std::string name;
    std::string phone;
    /// Browser: the handle of its client record; empty for a token.
    std::string client_handle;
    bool by_token = false;
};

class SenderAuthenticator {
public:
    /// The name of the browser cookie (before the CookiePolicy's prefix).
    static constexpr std::string_view kClientCookie = "sp_client";

    SenderAuthenticator(const Config& config, identity::SenderStore& senders,
                        RateLimit unknown_tokens = {.limit = 10,
                                                    .window = std::chrono::minutes(10)});

    /// The sender of the request: a bearer token, else the sp_client cookie with
    /// an identity verified for `email` (any verified identity when `email` is
    /// empty). nullopt: 401, 403 or 429 was sent. State-changing methods get the
    /// Origin check (required with the cookie, if present with a token).
    std::optional<SenderAuth> Authenticate(http::Exchange& ex, std::string_view email = {});

    /// The browser's cookie, if it carries a well-formed one.
    std::optional<identity::ClientCookie> ClientOf(const http::Exchange& ex) const;
    /// Set-Cookie for the client cookie, lasting verification.cookie_days.
    std::string ClientCookieHeader(const identity::ClientCookie& cookie) const;
    std::int64_t CookieSeconds() const noexcept;
    const CookiePolicy& cookies() const noexcept { return cookies_; }

private:
    const Config& config_;
    identity::SenderStore& senders_;
    CookiePolicy cookies_;
    RateLimiter unknown_tokens_;
};

} // namespace sealpost::security
