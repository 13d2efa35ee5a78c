#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "policy/PolicyJson.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/Routes.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::transfer {

using http::Exchange;
using http::Response;
using identity::SenderStore;

std::optional<nlohmann::json> JsonBody(Exchange& ex) {
    const std::string& body = ex.body();
    if (body.empty()) {
        ex.Respond(Response::Problem(400, "a JSON object is required"));
        return std::nullopt;
    }
    auto value = nlohmann::json::parse(body, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        ex.Respond(Response::Problem(400, "the body is not a JSON object"));
        return std::nullopt;
    }
    return value;
}

namespace {

/// A string member, or `fallback` when absent or null; nullopt after a 400.
std::optional<std::string> StringField(Exchange& ex, const nlohmann::json& body, const char* name,
                                       std::size_t max_size, std::string fallback = {}) {
    const auto it = body.find(name);
    if (it == body.end() || it->is_null())
        return fallback;
    if (!it->is_string()) {
        ex.Respond(Response::Problem(400, std::string(name) + " must be a string"));
        return std::nullopt;
    }
    std::string value = it->get<std::string>();
    if (value.size() > max_size) {
        ex.Respond(Response::Problem(400, std::string(name) + " is too long"));
        return std::nullopt;
    }
    for (const char c : value)
        if (static_cast<unsigned char>(c) < 0x20) {
            ex.Respond(
                Response::Problem(400, std::string(name) + " must not contain control characters"));
            return std::nullopt;
        }
    return value;
}

nlohmann::json SenderJson(const identity::SenderIdentity& i) {
    return {{"email", i.email},
            {"name", i.name},
            {"phone", i.phone},
            {"verified_until", Rfc3339(i.verified_until)}};
}

void RequestVerification(ApiContext& ctx, Exchange& ex) {
    const auto body = JsonBody(ex);
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

void ConfirmVerification(ApiContext& ctx, Exchange& ex) {
    const std::string id(ex.request().Param("verification_id"));
    const auto body = JsonBody(ex);
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
    // The browser keeps its cookie when it has one: the identity is added to it.
    auto cookie = std::make_shared<identity::ClientCookie>(
        ctx.ClientOf(ex).value_or(identity::ClientCookie::New()));
    struct Outcome {
        SenderStore::CodeResult result = SenderStore::CodeResult::unknown;
        identity::VerificationRecord record;
        identity::SenderIdentity identity;
    };
    auto outcome = std::make_shared<Outcome>();
    const std::int64_t until = UnixNow() + ctx.CookieSeconds();
    SenderStore* store = &ctx.senders();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [store, id, code = *code, cookie, outcome, until] {
            const std::int64_t now = UnixNow();
            outcome->result = store->ConfirmCode(id, code, now, outcome->record);
            if (outcome->result != SenderStore::CodeResult::confirmed)
                return;
            outcome->identity = {outcome->record.email, outcome->record.name, outcome->record.phone,
                                 until};
            store->AddIdentity(cookie->Handle(), outcome->identity, now);
        },
        [&ctx, ref, cookie, outcome](std::exception_ptr error) {
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
                r.headers.Add("Set-Cookie", ctx.ClientCookieHeader(*cookie, e->request().tls));
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

void ListSenders(ApiContext& ctx, Exchange& ex) {
    nlohmann::json list = nlohmann::json::array();
    const auto cookie = ctx.ClientOf(ex);
    const auto client = cookie ? ctx.senders().GetClient(cookie->Handle()) : std::nullopt;
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
void ChangeSender(ApiContext& ctx, Exchange& ex, bool remove) {
    const std::string email(ex.request().Param("email"));
    const auto auth = ctx.Authenticate(ex, email);
    if (!auth)
        return;
    if (auth->by_token) {
        ex.Respond(Response::Problem(400, "identities belong to browsers, not to API tokens"));
        return;
    }
    std::optional<std::string> name, phone;
    if (!remove) {
        const auto body = JsonBody(ex);
        if (!body)
            return;
        if (body->contains("name") && !(name = StringField(ex, *body, "name", 200)))
            return;
        if (body->contains("phone") && !(phone = StringField(ex, *body, "phone", 64)))
            return;
    }
    auto result = std::make_shared<std::optional<identity::SenderIdentity>>();
    SenderStore* store = &ctx.senders();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [store, handle = auth->client_handle, email, remove, name, phone, result] {
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

void AddSenderRoutes(http::Router& router, ApiContext& ctx) {
    router.Add("POST", "/api/v1/verifications",
               [&ctx](Exchange& ex) { RequestVerification(ctx, ex); });
    router.Add("POST", "/api/v1/verifications/{verification_id}",
               [&ctx](Exchange& ex) { ConfirmVerification(ctx, ex); });
    router.Add("GET", "/api/v1/senders", [&ctx](Exchange& ex) { ListSenders(ctx, ex); });
    router.Add("PATCH", "/api/v1/senders/{email}",
               [&ctx](Exchange& ex) { ChangeSender(ctx, ex, false); });
    router.Add("DELETE", "/api/v1/senders/{email}",
               [&ctx](Exchange& ex) { ChangeSender(ctx, ex, true); });

    router.Add("POST", "/api/v1/passwords/check", [&ctx](Exchange& ex) {
        const auto body = JsonBody(ex);
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
    router.Add("POST", "/api/v1/policy/check", [&ctx](Exchange& ex) {
        const auto body = JsonBody(ex);
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
        out["max_retention_days"] = ctx.config().policy.max_retention_days;
        out["max_transfer_size"] = ctx.config().limits.max_transfer_size;
        ex.Respond(Response::Json(200, out));
    });
}

} // namespace sealpost::transfer
