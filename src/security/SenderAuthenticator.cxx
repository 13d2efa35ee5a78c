#include "security/SenderAuthenticator.hxx"

#include "config/Config.hxx"
#include "http/Exchange.hxx"
#include "http/Response.hxx"
#include "security/ClientIp.hxx"
#include "security/Origin.hxx"
#include "security/TooManyRequests.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::security {

using http::Response;

SenderAuthenticator::SenderAuthenticator(const Config& config, identity::SenderStore& senders,
                                         RateLimit unknown_tokens)
    : config_(config), senders_(senders), cookies_(CookiePolicy::From(config)),
      unknown_tokens_(unknown_tokens) {}

std::optional<identity::ClientCookie>
SenderAuthenticator::ClientOf(const http::Exchange& ex) const {
    const auto value = cookies_.ReadSite(ex.request().headers, kClientCookie);
    return value ? identity::ClientCookie::Parse(*value) : std::nullopt;
}

std::int64_t SenderAuthenticator::CookieSeconds() const noexcept {
    return static_cast<std::int64_t>(config_.verification.cookie_days) * 86400;
}

std::string SenderAuthenticator::ClientCookieHeader(const identity::ClientCookie& cookie) const {
    return cookies_.SiteCookie(kClientCookie, cookie.Encode(), CookieSeconds());
}

std::optional<SenderAuth> SenderAuthenticator::Authenticate(http::Exchange& ex,
                                                            std::string_view email) {
    const auto& req = ex.request();
    const std::string_view public_url = config_.server.public_url;
    if (const auto authorization = req.headers.Get("authorization")) {
        constexpr std::string_view kBearer = "Bearer ";
        if (authorization->size() > kBearer.size() &&
            LowerAscii(authorization->substr(0, kBearer.size())) == "bearer ") {
            if (!CheckOrigin(ex, public_url, OriginRule::if_present))
                return std::nullopt;
            const auto token = senders_.GetToken(authorization->substr(kBearer.size()));
            if (!token) {
                // Only failures count: automation with a valid token is not slowed.
                const auto wait =
                    unknown_tokens_.Take(ClientIp(ex, config_.security.trusted_proxies));
                ex.Respond(wait ? TooManyRequests(wait)
                                : Response::Problem(401, "unknown API token"));
                return std::nullopt;
            }
            if (!email.empty() && LowerAscii(email) != LowerAscii(token->email)) {
                ex.Respond(
                    Response::Problem(401, "this API token is bound to another sender address"));
                return std::nullopt;
            }
            return SenderAuth{token->email, "", "", "", true};
        }
    }
    // The Origin first: a cross-site request learns nothing about the cookie.
    if (!CheckOrigin(ex, public_url, OriginRule::required))
        return std::nullopt;
    const auto cookie = ClientOf(ex);
    const auto client = cookie ? senders_.GetClient(*cookie) : std::nullopt;
    const std::int64_t now = UnixNow();
    const identity::SenderIdentity* identity = nullptr;
    if (client) {
        if (!email.empty()) {
            identity = client->Find(email, now);
        } else {
            for (const auto& i : client->identities)
                if (i.verified_until > now) {
                    identity = &i;
                    break;
                }
        }
    }
    if (!identity) {
        ex.Respond(Response::Problem(401,
                                     email.empty()
                                         ? "this browser has no verified sender address"
                                         : "this sender address is not verified in this browser",
                                     {{"verification_required", true}}));
        return std::nullopt;
    }
    return SenderAuth{identity->email, identity->name, identity->phone, cookie->Handle(), false};
}

} // namespace sealpost::security
