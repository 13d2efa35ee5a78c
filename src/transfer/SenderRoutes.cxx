#include "http/Exchange.hxx"
#include "http/JsonBody.hxx"
#include "http/Router.hxx"
#include "identity/ClientRotation.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "policy/PolicyJson.hxx"
#include "security/Origin.hxx"
#include "security/SenderAuthenticator.hxx"
#include "store/Storage.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/QuickAccess.hxx"
#include "transfer/Routes.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::transfer {

using http::Exchange;
using http::Response;
using identity::SenderStore;

namespace {

/// Small bodies: an address, a name, a code, a password.
constexpr std::size_t kMaxSmallBody = 16 * 1024;

std::optional<nlohmann::json> SmallJsonBody(Exchange& ex) {
    return http::JsonBody(ex, kMaxSmallBody);
}

/// A string member ("" when absent or null); nullopt after a 400.
std::optional<std::string> StringField(Exchange& ex, const nlohmann::json& body, const char* name,
                                       std::size_t max_size) {
    http::JsonFields fields(body);
    auto value = fields.String(name, max_size);
    if (!value)
        ex.Respond(fields.problem()->ToResponse());
    return value;
}

nlohmann::json SenderJson(const identity::SenderIdentity& i) {
    return {{"email", i.email},
            {"name", i.name},
            {"phone", i.phone},
            {"verified_until", Rfc3339(i.verified_until)}};
}

/// Verifications are browser requests (the confirmation sets the cookie):
/// they must carry this service's Origin.
bool BrowserOrigin(ApiContext& ctx, Exchange& ex) {
    return security::CheckOrigin(ex, ctx.config().server.public_url,
                                 security::OriginRule::required);
}

void RequestVerification(ApiContext& ctx, Exchange& ex) {
    if (!BrowserOrigin(ctx, ex))
        return;
    const auto body = SmallJsonBody(ex);
    if (!body)
        return;
    const auto email = StringField(ex, *body, "email", 254);
    if (!email)
        return;
    const auto name = StringField(ex, *body, "name", 200);
    if (!name)
        return;
    const auto phone = StringField(ex, *body, "phone", 64);
    if (!phone)
        return;
    AddressError invalid;
    const auto address = EmailAddress::Parse(*email, &invalid);
    if (!address) {
        ex.Respond(Response::Problem(400, "not a usable e-mail address: " + invalid.message,
                                     {{"reason", invalid.code}}));
        return;
    }
    if (const auto problem = ctx.sender_policy().CheckSender(*address)) {
        ex.Respond(Response::Problem(400, problem->message, {{"reason", problem->reason}}));
        return;
    }
    const std::string canonical = address->ToString();
    if (!ctx.CheckRate(ex, "verification_ip", ctx.ClientIp(ex)) ||
        !ctx.CheckRate(ex, "verification_email", LowerAscii(canonical)))
        return;
    const std::int64_t now = UnixNow();
    auto verification = std::make_shared<identity::NewVerification>(
        identity::MakeVerification(canonical, *name, *phone, now + 15 * 60, 5));
    const auto language = ex.request().headers.Get("accept-language");
    const std::string lang = NormaliseLanguage(language ? *language : "en");
    const http::ExchangeRef ref = ex.Ref();
    SenderStore* store = &ctx.senders();
    uv::QueueWork(
        ex.loop(), [store, verification] { store->PutVerification(verification->record); },
        [&ctx, ref, verification, lang](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (error) {
                log::Write(log::Level::error, "verification_not_stored");
                if (e)
                    e->Respond(Response::Problem(503, "the verification cannot be stored now"));
                return;
            }
            const auto& r = verification->record;
            ctx.Send(ctx.notifications().VerificationCode({lang, Mailbox::Make(r.name, r.email),
                                                           verification->code,
                                                           std::chrono::minutes(15)}));
            if (!e)
                return;
            ctx.Audit(*e, "verification_requested", "", r.email);
            e->Respond(Response::Json(
                202, {{"verification_id", r.id}, {"expires_at", Rfc3339(r.expires_at)}}));
        });
}

void ConfirmVerification(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    if (!BrowserOrigin(ctx, ex))
        return;
    const std::string id(ex.request().Param("verification_id"));
    const auto body = SmallJsonBody(ex);
    if (!body)
        return;
    const auto code = StringField(ex, *body, "code", 64);
    if (!code)
        return;
    if (id.size() != 22) {
        ex.Respond(Response::Problem(404, "no such verification"));
        return;
    }
    if (!ctx.CheckRate(ex, "code_ip", ctx.ClientIp(ex)))
        return;
    // A completed verification rotates the cookie: the identities of the old
    // one carry over to a fresh client id and key (identity/ClientRotation.hxx).
    auto old_cookie = std::make_shared<std::optional<identity::ClientCookie>>(authn.ClientOf(ex));
    auto cookie = std::make_shared<identity::ClientCookie>(identity::ClientCookie::New());
    struct Outcome {
        SenderStore::CodeResult result = SenderStore::CodeResult::unknown;
        identity::VerificationRecord record;
        identity::SenderIdentity identity;
    };
    auto outcome = std::make_shared<Outcome>();
    const std::int64_t until = UnixNow() + authn.CookieSeconds();
    SenderStore* store = &ctx.senders();
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [store, quick, id, code = *code, old_cookie, cookie, outcome, until] {
            const std::int64_t now = UnixNow();
            outcome->result = store->ConfirmCode(id, code, now, outcome->record);
            if (outcome->result != SenderStore::CodeResult::confirmed)
                return;
            outcome->identity = {outcome->record.email, outcome->record.name, outcome->record.phone,
                                 until};
            // Only a cookie whose id and key both match its record is the
            // browser's own: any other starts afresh.
            const bool genuine =
                old_cookie->has_value() && store->GetClient(**old_cookie).has_value();
            identity::RotateClient(*store, genuine ? &**old_cookie : nullptr, *cookie,
                                   outcome->identity, now);
            // The QUICK keys of the old cookie go under the new one's personal keys.
            if (genuine)
                quick->Rewrap({(*old_cookie)->Handle(), (*old_cookie)->client_key.Clone()},
                              {cookie->Handle(), cookie->client_key.Clone()}, now);
        },
        [&ctx, &authn, ref, cookie, outcome](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(Response::Problem(503, "the verification cannot be checked now"));
                return;
            }
            using R = SenderStore::CodeResult;
            switch (outcome->result) {
            case R::confirmed: {
                ctx.Audit(*e, "verification_confirmed", "", outcome->identity.email);
                Response r = Response::Json(200, {{"sender",
                                                   {{"email", outcome->identity.email},
                                                    {"name", outcome->identity.name},
                                                    {"phone", outcome->identity.phone}}}});
                r.headers.Add("Set-Cookie", authn.ClientCookieHeader(*cookie));
                r.headers.Add("Cache-Control", "no-store");
                e->Respond(std::move(r));
                return;
            }
            case R::wrong:
                ctx.Audit(*e, "verification_failed", "", outcome->record.email,
                          {{"attempts_left", outcome->record.tries_left}});
                if (outcome->record.tries_left == 0) {
                    e->Respond(Response::Problem(410, "too many wrong codes; request a new one",
                                                 {{"attempts_left", 0}}));
                    return;
                }
                e->Respond(Response::Problem(400, "wrong code",
                                             {{"attempts_left", outcome->record.tries_left}}));
                return;
            case R::expired:
                e->Respond(Response::Problem(410, "the code has expired; request a new one"));
                return;
            case R::used_up:
                e->Respond(Response::Problem(410, "the code was used up; request a new one"));
                return;
            case R::unknown:
                e->Respond(Response::Problem(404, "no such verification"));
                return;
            }
        });
}

void ListSenders(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    nlohmann::json list = nlohmann::json::array();
    const auto cookie = authn.ClientOf(ex);
    const auto client = cookie ? ctx.senders().GetClient(*cookie) : std::nullopt;
    const std::int64_t now = UnixNow();
    if (client)
        for (const auto& i : client->identities)
            if (i.verified_until > now)
                list.push_back(SenderJson(i));
    Response r = Response::Json(200, {{"senders", list}});
    r.headers.Add("Cache-Control", "no-store");
    ex.Respond(std::move(r));
}

/// PATCH (edit name/phone) and DELETE (forget) of one identity of this browser.
void ChangeSender(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex,
                  bool remove) {
    const std::string email(ex.request().Param("email"));
    const auto auth = authn.Authenticate(ex, email);
    if (!auth)
        return;
    if (auth->by_token) {
        ex.Respond(Response::Problem(400, "identities belong to browsers, not to API tokens"));
        return;
    }
    std::optional<std::string> name, phone;
    if (!remove) {
        const auto body = SmallJsonBody(ex);
        if (!body)
            return;
        if (body->contains("name") && !(name = StringField(ex, *body, "name", 200)))
            return;
        if (body->contains("phone") && !(phone = StringField(ex, *body, "phone", 64)))
            return;
    }
    auto result = std::make_shared<std::optional<identity::SenderIdentity>>();
    SenderStore* store = &ctx.senders();
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [store, quick, handle = auth->client_handle, email, remove, name, phone, result] {
            auto client = store->GetClient(handle);
            if (!client)
                return;
            const std::string wanted = LowerAscii(email);
            auto& ids = client->identities;
            for (auto it = ids.begin(); it != ids.end(); ++it) {
                if (LowerAscii(it->email) != wanted)
                    continue;
                if (name)
                    it->name = *name;
                if (phone)
                    it->phone = *phone;
                *result = *it;
                if (remove)
                    ids.erase(it);
                break;
            }
            if (client->identities.empty())
                store->DeleteClient(handle);
            else
                store->PutClient(handle, *client);
            // Removing an identity forgets this browser's QUICK keys for it.
            if (remove && *result)
                quick->Forget(handle, email);
        },
        [ref, remove, result](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error)
                e->Respond(Response::Problem(503, "the change cannot be stored now"));
            else if (!*result)
                e->Respond(Response::Problem(404, "no such sender in this browser"));
            else if (remove)
                e->Respond(Response::Empty(204));
            else
                e->Respond(Response::Json(200, SenderJson(**result)));
        });
}

} // namespace

void AddSenderRoutes(http::Router& router, ApiContext& ctx, security::SenderAuthenticator& authn) {
    router.Add("POST", "/api/v1/verifications",
               [&ctx](Exchange& ex) { RequestVerification(ctx, ex); });
    router.Add("POST", "/api/v1/verifications/{verification_id}",
               [&ctx, &authn](Exchange& ex) { ConfirmVerification(ctx, authn, ex); });
    router.Add("GET", "/api/v1/senders",
               [&ctx, &authn](Exchange& ex) { ListSenders(ctx, authn, ex); });
    router.Add("PATCH", "/api/v1/senders/{email}",
               [&ctx, &authn](Exchange& ex) { ChangeSender(ctx, authn, ex, false); });
    router.Add("DELETE", "/api/v1/senders/{email}",
               [&ctx, &authn](Exchange& ex) { ChangeSender(ctx, authn, ex, true); });

    router.Add("POST", "/api/v1/passwords/check", [&ctx](Exchange& ex) {
        const auto body = SmallJsonBody(ex);
        if (!body)
            return;
        const auto password = StringField(ex, *body, "password", 1024);
        if (!password)
            return;
        const auto violations = ctx.password_policy().Check(*password);
        Response r = Response::Json(200, PasswordCheckToJson(violations));
        r.headers.Add("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add("POST", "/api/v1/passwords/generate", [&ctx](Exchange& ex) {
        Response r = Response::Json(200, {{"password", ctx.password_policy().Generate()}});
        r.headers.Add("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add("POST", "/api/v1/policy/check", [&ctx, &authn](Exchange& ex) {
        const auto body = SmallJsonBody(ex);
        if (!body)
            return;
        const auto sender = StringField(ex, *body, "sender", 254);
        if (!sender)
            return;
        const auto to = ParseRecipientsJson(body->value("recipients", nlohmann::json()));
        const auto cc = ParseRecipientsJson(body->value("cc", nlohmann::json()));
        const auto bcc = ParseRecipientsJson(body->value("bcc", nlohmann::json()));
        const auto decision = ctx.sender_policy().Check(*sender, to, cc, bcc);
        nlohmann::json out = PolicyCheckToJson(decision);
        // Recipients this browser (for this sender) reaches with QUICK.
        nlohmann::json connected = nlohmann::json::array();
        if (const auto browser = QuickBrowserOf(ctx, authn, ex, *sender))
            for (const auto* list : {&to, &cc, &bcc})
                for (const auto& address : list->addresses)
                    if (ctx.storage().quick().Connected(browser->handle, *sender,
                                                         address.ToString()))
                        connected.push_back(address.ToString());
        out["quick_connected"] = connected;
        out["max_retention_days"] = ctx.config().policy.max_retention_days;
        out["max_transfer_size"] = ctx.config().limits.max_transfer_size;
        ex.Respond(Response::Json(200, out));
    });
}

} // namespace sealpost::transfer
