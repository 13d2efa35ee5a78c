// The QUICK routes of the OpenAPI document (the keys themselves are store::QuickKeys):
//   GET    /api/v1/quick                          this browser's connections
//   POST   /api/v1/quick/activation-codes         {"email"} → one-time code (24 h)
//   POST   /api/v1/quick/reactivate               {"email","code"} → {"restored"}
//   DELETE /api/v1/quick/{email}/{partner}        forget one connection here
// and GET /api/v1/cookies, which the web UI uses to tell a browser that
// refuses cookies (QUICK, verification and downloads all need them).
#include "transfer/QuickAccess.hxx"
#include "http/Exchange.hxx"
#include "http/JsonBody.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "security/Origin.hxx"
#include "security/SenderAuthenticator.hxx"
#include "store/Storage.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/Routes.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

#include <map>
#include <tuple>

namespace sealpost::transfer {

using http::Exchange;
using http::Response;

std::optional<store::QuickBrowser> QuickBrowserOf(ApiContext& ctx,
                                                  const security::SenderAuthenticator& authn,
                                                  const Exchange& ex, std::string_view email) {
    if (!ctx.config().quick.enabled)
        return std::nullopt;
    const auto cookie = authn.ClientOf(ex);
    if (!cookie)
        return std::nullopt;
    const auto client = ctx.senders().GetClient(*cookie);
    if (!client || !client->Find(email, UnixNow()))
        return std::nullopt;
    return store::QuickBrowser{cookie->Handle(), cookie->client_key.Clone()};
}

Response QuickIdentityRequired(std::string_view email) {
    return Response::Problem(403, "this browser is not verified for " + std::string(email),
                             {{"reason", "quick_identity_required"}, {"email", email}});
}

namespace {

constexpr std::size_t kMaxBody = 4096;

bool QuickEnabled(ApiContext& ctx, Exchange& ex) {
    if (ctx.config().quick.enabled)
        return true;
    ex.Respond(Response::Problem(400, "QUICK connections are not enabled on this server",
                                 {{"reason", "quick_unavailable"}}));
    return false;
}

/// The address member of a small JSON body; nullopt after a 400.
std::optional<std::pair<nlohmann::json, std::string>> EmailBody(Exchange& ex) {
    auto body = http::JsonBody(ex, kMaxBody);
    if (!body)
        return std::nullopt;
    http::JsonFields fields(*body);
    const auto email = fields.String("email", 254);
    if (!email || email->empty()) {
        ex.Respond(fields.problem() ? fields.problem()->ToResponse()
                                    : Response::Problem(400, "email is required"));
        return std::nullopt;
    }
    return std::pair{std::move(*body), *email};
}

void ListConnections(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    nlohmann::json list = nlohmann::json::array();
    if (const auto cookie = authn.ClientOf(ex)) {
        const auto client = ctx.senders().GetClient(*cookie);
        const std::int64_t now = UnixNow();
        // One entry per (address, partner): the oldest holding says since when.
        std::map<std::pair<std::string, std::string>, std::int64_t> pairs;
        for (const auto& c : ctx.storage().quick().OfBrowser(cookie->Handle())) {
            if (!client || !client->Find(c.email, now))
                continue; // an identity no longer verified here opens nothing
            auto [it, added] = pairs.try_emplace({c.email, c.partner}, c.created_at);
            if (!added)
                it->second = std::min(it->second, c.created_at);
        }
        for (const auto& [pair, created_at] : pairs)
            list.push_back({{"email", pair.first},
                            {"partner", pair.second},
                            {"created_at", Rfc3339(created_at)}});
    }
    Response r = Response::Json(200, {{"connections", list}});
    r.headers.Add("Cache-Control", "no-store");
    ex.Respond(std::move(r));
}

/// What both activation-code routes start with: QUICK enabled, a same-origin
/// request, the address in the body (and with `with_code` the code), a browser
/// verified for that address, and the quick_code_ip rate limit; nullopt when
/// one of them already answered.
struct CodeRequest {
    std::string email;
    std::string code;
    std::shared_ptr<store::QuickBrowser> browser;
};
std::optional<CodeRequest> CodeRequestOf(ApiContext& ctx, security::SenderAuthenticator& authn,
                                         Exchange& ex, bool with_code) {
    if (!QuickEnabled(ctx, ex) ||
        !security::CheckOrigin(ex, ctx.config().server.public_url, security::OriginRule::required))
        return std::nullopt;
    const auto body = EmailBody(ex);
    if (!body)
        return std::nullopt;
    CodeRequest request{.email = body->second};
    if (with_code) {
        http::JsonFields fields(body->first);
        const auto code = fields.String("code", 64);
        if (!code || code->empty()) {
            ex.Respond(fields.problem() ? fields.problem()->ToResponse()
                                        : Response::Problem(400, "code is required"));
            return std::nullopt;
        }
        request.code = *code;
    }
    auto browser = QuickBrowserOf(ctx, authn, ex, request.email);
    if (!browser) {
        ex.Respond(QuickIdentityRequired(request.email));
        return std::nullopt;
    }
    if (!ctx.CheckRate(ex, "quick_code_ip", ctx.ClientIp(ex)))
        return std::nullopt;
    request.browser = std::make_shared<store::QuickBrowser>(std::move(*browser));
    return request;
}

void CreateCode(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    auto request = CodeRequestOf(ctx, authn, ex, false);
    if (!request)
        return;
    auto made = std::make_shared<std::optional<store::QuickKeys::NewCode>>();
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [quick, browser = request->browser, email = request->email, made] {
            *made = quick->CreateCode(*browser, email, UnixNow());
        },
        [&ctx, ref, made, email = request->email](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(Response::Problem(503, "the code cannot be made now"));
                return;
            }
            if (!*made) {
                e->Respond(Response::Problem(404, "this browser holds no QUICK connection for " +
                                                      email));
                return;
            }
            ctx.Audit(*e, "quick_code_created", "", email, {{"keys", (*made)->keys}});
            Response r = Response::Json(
                201, {{"code", (*made)->code}, {"expires_at", Rfc3339((*made)->expires_at)}});
            r.headers.Add("Cache-Control", "no-store");
            e->Respond(std::move(r));
        });
}

void Reactivate(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    auto request = CodeRequestOf(ctx, authn, ex, true);
    if (!request)
        return;
    auto outcome = std::make_shared<store::QuickKeys::Redemption>();
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [quick, browser = request->browser, email = request->email, code = request->code,
         outcome] {
            *outcome = quick->RedeemCode(*browser, email, code, UnixNow());
        },
        [&ctx, ref, outcome, email = request->email](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(Response::Problem(503, "the code cannot be checked now"));
                return;
            }
            using R = store::QuickKeys::Redeemed;
            switch (outcome->result) {
            case R::restored: {
                ctx.Audit(*e, "quick_reactivated", "", email,
                          {{"route", "code"},
                           {"restored", outcome->restored},
                           {"partners", outcome->partners}});
                Response r = Response::Json(200, {{"restored", outcome->restored}});
                r.headers.Add("Cache-Control", "no-store");
                e->Respond(std::move(r));
                return;
            }
            case R::wrong:
                ctx.Audit(*e, "quick_code_failed", "", email,
                          {{"attempts_left", outcome->attempts_left}});
                if (outcome->attempts_left == 0) {
                    e->Respond(Response::Problem(
                        410, "too many wrong codes; make a new code in a browser that has the keys",
                        {{"attempts_left", 0}}));
                    return;
                }
                e->Respond(Response::Problem(400, "wrong code",
                                             {{"attempts_left", outcome->attempts_left}}));
                return;
            case R::expired:
            case R::none:
                ctx.Audit(*e, "quick_code_failed", "", email, {{"attempts_left", 0}});
                e->Respond(Response::Problem(
                    410, "no valid activation code for this address (expired or used); make a new one"));
                return;
            }
        });
}

void DeleteConnection(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    if (!security::CheckOrigin(ex, ctx.config().server.public_url, security::OriginRule::required))
        return;
    const std::string email(ex.request().Param("email"));
    const std::string partner(ex.request().Param("partner"));
    const auto cookie = authn.ClientOf(ex);
    const auto client = cookie ? ctx.senders().GetClient(*cookie) : std::nullopt;
    if (!client || !client->Find(email, UnixNow())) {
        ex.Respond(QuickIdentityRequired(email));
        return;
    }
    auto removed = std::make_shared<std::size_t>(0);
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [quick, handle = cookie->Handle(), email, partner, removed] {
            *removed = quick->Forget(handle, email, partner);
        },
        [&ctx, ref, removed, email, partner](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(Response::Problem(503, "the connection cannot be removed now"));
                return;
            }
            if (*removed == 0) {
                e->Respond(Response::Problem(404, "no such QUICK connection in this browser"));
                return;
            }
            ctx.Audit(*e, "quick_connection_deleted", "", email,
                      {{"partner", partner}, {"by", "browser"}, {"keys", *removed}});
            e->Respond(Response::Empty(204));
        });
}

/// GET /api/v1/cookies: whether the request carried the test cookie, which
/// every answer sets again.
void CookieCheck(ApiContext& ctx, Exchange& ex) {
    constexpr std::string_view kName = "sp_check";
    const bool returned = ctx.cookies().ReadSite(ex.request().headers, kName).has_value();
    Response r = Response::Json(200, {{"returned", returned}});
    r.headers.Add("Set-Cookie", ctx.cookies().SiteCookie(kName, "1", 600));
    r.headers.Add("Cache-Control", "no-store");
    ex.Respond(std::move(r));
}

} // namespace

void AddQuickRoutes(http::Router& router, ApiContext& ctx, security::SenderAuthenticator& authn) {
    router.Add("GET", "/api/v1/quick",
               [&ctx, &authn](Exchange& ex) { ListConnections(ctx, authn, ex); });
    router.Add("POST", "/api/v1/quick/activation-codes",
               [&ctx, &authn](Exchange& ex) { CreateCode(ctx, authn, ex); });
    router.Add("POST", "/api/v1/quick/reactivate",
               [&ctx, &authn](Exchange& ex) { Reactivate(ctx, authn, ex); });
    router.Add("DELETE", "/api/v1/quick/{email}/{partner}",
               [&ctx, &authn](Exchange& ex) { DeleteConnection(ctx, authn, ex); });
    router.Add("GET", "/api/v1/cookies", [&ctx](Exchange& ex) { CookieCheck(ctx, ex); });
}

} // namespace sealpost::transfer
