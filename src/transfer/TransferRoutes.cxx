#include "age/AgeIdentity.hxx"
#include "crypto/TransferKeys.hxx"
#include "http/Exchange.hxx"
#include "http/JsonBody.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "policy/PolicyJson.hxx"
#include "security/SenderAuthenticator.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "store/AccessGrants.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/QuickAccess.hxx"
#include "transfer/Routes.hxx"
#include "transfer/TransferRequest.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::transfer {
namespace {

using http::Exchange;
using http::Response;
using store::TransferRecord;
using store::TransferStatus;

nlohmann::json FailedRecipients(const std::vector<RefusedRecipient>& refused) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : refused)
        out.push_back({{"email", r.email}, {"reason", r.reason}, {"message", r.message}});
    return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
    return !needle.empty() && haystack.find(needle) != std::string_view::npos;
}

/// The transfer named in the path, for its sender (cookie or token) or the
/// holder of its revoke token; nullopt after answering.
std::optional<TransferRecord> OwnTransfer(ApiContext& ctx, security::SenderAuthenticator& authn,
                                          Exchange& ex, bool allow_revoke_token) {
    const std::string id(ex.request().Param("id"));
    auto t = store::IsValidId(id) ? ctx.storage().index().GetTransfer(id) : std::nullopt;
    if (!t) {
        ex.Respond(Response::Problem(404, "no such transfer"));
        return std::nullopt;
    }
    if (allow_revoke_token)
        if (const auto token = ex.request().QueryParam("revoke_token")) {
            if (ctx.CheckRevokeToken(t->id, *token))
                return t;
            ex.Respond(Response::Problem(403, "wrong revoke token"));
            return std::nullopt;
        }
    const auto auth = authn.Authenticate(ex, t->sender);
    if (!auth)
        return std::nullopt;
    return t;
}

nlohmann::json StatusJson(const TransferRecord& t, const store::Index& index) {
    nlohmann::json recipients = nlohmann::json::array();
    for (const auto& r : t.recipients)
        recipients.push_back(
            {{"email", r.email},
             {"kind", r.kind},
             {"downloads", r.downloads},
             {"quick", r.QuickReception()},
             {"last_download_at", r.last_download_at ? nlohmann::json(Rfc3339(r.last_download_at))
                                                     : nlohmann::json(nullptr)}});
    nlohmann::json files = nlohmann::json::array();
    for (const auto& id : t.file_ids)
        if (const auto f = index.GetFile(id))
            files.push_back({{"id", f->id}, {"size", f->size}, {"complete", f->complete}});
    return {{"id", t.id},
            {"status", std::string(store::ToString(t.status))},
            {"sender", t.sender},
            {"recipients", recipients},
            {"files", files},
            {"message", !t.message_file_id.empty()},
            {"created_at", Rfc3339(t.created_at)},
            {"expires_at", Rfc3339(t.expires_at)},
            {"locked_until",
             t.locked_until ? nlohmann::json(Rfc3339(t.locked_until)) : nlohmann::json(nullptr)},
            {"failed_attempts", t.failed_attempts}};
}

void CreateTransfer(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    const Config& config = ctx.config();
    const auto body = http::JsonBody(ex, config.server.max_request_body);
    if (!body)
        return;
    auto parsed = ParseTransferRequest(*body, {config.policy.max_retention_days});
    // Who asks comes first (401/403), then what is wrong with the request.
    const auto* request_in = std::get_if<TransferRequest>(&parsed);
    const std::string sender = http::JsonFields(*body).String("sender", 254).value_or("");
    const auto auth = authn.Authenticate(ex, sender);
    if (!auth)
        return;
    if (!request_in) {
        ex.Respond(std::get<http::JsonProblem>(parsed).ToResponse());
        return;
    }
    const TransferRequest& in = *request_in;

    // Recipients and the policy.
    const auto decision = ctx.sender_policy().Check(auth->email, in.to, in.cc, in.bcc);
    if (!decision.allowed) {
        std::vector<RefusedRecipient> invalid, refused;
        for (const auto& r : decision.failed_recipients)
            (r.reason == "invalid_address" ? invalid : refused).push_back(r);
        if (decision.problem)
            ex.Respond(Response::Problem(400, decision.problem->message,
                                         {{"reason", decision.problem->reason},
                                          {"failed_recipients", FailedRecipients(invalid)}}));
        else if (!invalid.empty())
            ex.Respond(Response::Problem(400, "some recipients are not usable addresses",
                                         {{"failed_recipients", FailedRecipients(invalid)}}));
        else
            ex.Respond(Response::Problem(403,
                                         "an external sender may send only to internal recipients",
                                         {{"failed_recipients", FailedRecipients(refused)}}));
        return;
    }
    const std::uint64_t retention_days =
        in.retention_days.value_or(config.policy.default_retention_days);

    // The recipients, each once.
    std::vector<std::pair<std::string, std::string>> recipients;
    {
        std::vector<std::string> seen;
        for (const auto& [list, kind] :
             {std::pair{&in.to, "to"}, std::pair{&in.cc, "cc"}, std::pair{&in.bcc, "bcc"}}) {
            for (const auto& address : list->addresses) {
                std::string email = address.ToString();
                const std::string key = LowerAscii(email);
                if (std::find(seen.begin(), seen.end(), key) != seen.end())
                    continue;
                seen.push_back(key);
                recipients.emplace_back(std::move(email), kind);
            }
        }
    }

    // QUICK: connected recipients need no password; the others get an invitation.
    const bool quick = in.password_mode == PasswordMode::quick;
    std::shared_ptr<const store::QuickBrowser> quick_browser;
    bool invitations = false;
    if (quick) {
        if (!config.quick.enabled) {
            ex.Respond(Response::Problem(400, "QUICK connections are not enabled on this server",
                                         {{"reason", "quick_unavailable"}}));
            return;
        }
        auto browser = auth->by_token ? std::nullopt : QuickBrowserOf(ctx, authn, ex, auth->email);
        if (!browser) {
            ex.Respond(Response::Problem(
                400, "QUICK needs a browser (or client) verified for the sender, not an API token",
                {{"reason", "quick_needs_browser"}}));
            return;
        }
        std::vector<RefusedRecipient> unconnected;
        for (const auto& [email, kind] : recipients)
            if (!ctx.storage().quick().Connected(browser->handle, auth->email, email))
                unconnected.push_back({email, "quick_not_connected"});
        invitations = !unconnected.empty();
        if (invitations && in.password.empty() && !in.quick_generated) {
            ex.Respond(Response::Problem(
                400,
                "some recipients have no QUICK connection yet: their invitation needs a password",
                {{"reason", "password_required"},
                 {"failed_recipients", FailedRecipients(unconnected)}}));
            return;
        }
        quick_browser = std::make_shared<const store::QuickBrowser>(std::move(*browser));
    }

    // The password.
    std::string password;
    const bool generated = in.password_mode == PasswordMode::generated ||
                           (quick && invitations && in.password.empty() && in.quick_generated);
    if (generated) {
        password = ctx.password_policy().Generate();
    } else {
        password = in.password;
        if (password.empty() && !quick) {
            ex.Respond(Response::Problem(
                400, "a password is required",
                {{"violations",
                  nlohmann::json::array(
                      {{{"rule", "min_length"}, {"message", "A password is required."}}})}}));
            return;
        }
        const auto violations =
            password.empty() ? decltype(ctx.password_policy().Check(password)){}
                             : ctx.password_policy().Check(password);
        if (!violations.empty()) {
            ex.Respond(
                Response::Problem(400, "the password does not follow the password rules",
                                  {{"violations", PasswordCheckToJson(violations)["violations"]}}));
            return;
        }
    }
    if (!password.empty() && (Contains(in.subject, password) || Contains(in.body, password))) {
        ex.Respond(Response::Problem(
            400, "the notification text is not encrypted and must not contain the password"));
        return;
    }

    auto request = std::make_shared<store::NewTransfer>();
    request->sender = auth->email;
    request->recipients = std::move(recipients);
    request->quick_browser = quick_browser;
    request->retention_seconds = static_cast<std::int64_t>(retention_days) * 86400;
    request->password = password;
    request->message = in.message;
    // A token carries no name or phone; the body may give them.
    request->options = {{"sender_name", auth->by_token ? in.sender_name : auth->name},
                        {"sender_phone", auth->by_token ? in.sender_phone : auth->phone},
                        {"language", in.language.empty() ? "en" : in.language},
                        {"notify_on_provided", in.notify_on_provided},
                        {"notify_on_download", in.notify_on_download},
                        {"show_filenames", in.show_filenames},
                        {"password_mode", quick ? "quick" : generated ? "generated" : "manual"},
                        {"notification_subject", in.subject},
                        {"notification_body", in.body}};

    auto created = std::make_shared<TransferRecord>();
    store::Storage* storage = &ctx.storage();
    const http::ExchangeRef ref = ex.Ref();
    const std::int64_t renew_until = UnixNow() + authn.CookieSeconds();
    uv_loop_s* loop = ex.loop();
    auto quick_refused = std::make_shared<bool>(false);
    storage->RunKdf(
        [storage, request, created, quick_refused] {
            try {
                *created = storage->CreateTransfer(*request);
            } catch (const store::QuickPasswordNeeded&) {
                *quick_refused = true;
            } catch (const std::exception& e) {
                log::Write(log::Level::error, "transfer_not_created", {{"error", e.what()}});
            }
        },
        [&ctx, &authn, ref, created, auth = *auth, generated, password, retention_days, renew_until,
         loop, quick, quick_refused] {
            Exchange* e = ref.get();
            if (*quick_refused) {
                if (e)
                    e->Respond(Response::Problem(
                        409, "a QUICK connection changed while the transfer was made; try again",
                        {{"reason", "password_required"}}));
                return;
            }
            if (created->id.empty()) {
                if (e)
                    e->Respond(Response::Problem(503, "the transfer cannot be created now"));
                return;
            }
            if (!auth.client_handle.empty()) {
                identity::SenderStore* store = &ctx.senders();
                uv::QueueWork(
                    loop,
                    [store, handle = auth.client_handle, email = auth.email, renew_until] {
                        store->Renew(handle, email, renew_until);
                    },
                    [](std::exception_ptr) {});
            }
            std::size_t quick_receptions = 0;
            for (const auto& r : created->recipients)
                quick_receptions += r.QuickReception() ? 1 : 0;
            const nlohmann::json detail = {{"recipients", created->recipients.size()},
                                           {"quick", quick_receptions},
                                           {"retention_days", retention_days},
                                           {"message", !created->message_file_id.empty()},
                                           {"by_token", auth.by_token}};
            ctx.Audit(e, "transfer_created", created->id, auth.email, detail);
            if (!e)
                return;
            nlohmann::json out = {{"id", created->id},
                                  {"status", "open"},
                                  {"upload_url", "/api/v1/transfers/" + created->id + "/files"},
                                  {"expires_at", Rfc3339(created->expires_at)}};
            if (generated)
                out["password"] = password;
            if (quick) {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& r : created->recipients)
                    list.push_back({{"email", r.email}, {"quick", r.QuickReception()}});
                out["recipients"] = list;
            }
            Response r = Response::Json(201, out);
            r.headers.Add("Location", "/api/v1/transfers/" + created->id);
            r.headers.Add("Cache-Control", "no-store");
            if (!auth.client_handle.empty())
                if (const auto cookie = authn.ClientOf(*e))
                    r.headers.Add("Set-Cookie", authn.ClientCookieHeader(*cookie));
            e->Respond(std::move(r));
        });
}

void SubmitTransfer(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    const auto t = OwnTransfer(ctx, authn, ex, false);
    if (!t)
        return;
    if (t->status != TransferStatus::open) {
        ex.Respond(Response::Problem(409, "the transfer was already submitted or is gone",
                                     {{"state", std::string(store::ToString(t->status))}}));
        return;
    }
    const http::ExchangeRef ref = ex.Ref();
    ctx.storage().SubmitTransfer(t->id, [&ctx, ref](store::Storage::Submitted submitted) {
        Exchange* e = ref.get();
        if (submitted.outcome != store::Outcome::ok) {
            if (!e)
                return;
            if (submitted.outcome == store::Outcome::failed)
                e->Respond(Response::Problem(503, "the transfer cannot be submitted now"));
            else if (submitted.outcome == store::Outcome::not_open ||
                     submitted.outcome == store::Outcome::gone)
                e->Respond(Response::Problem(
                    409, "the transfer was already submitted or is gone",
                    {{"state", std::string(store::ToString(submitted.transfer.status))}}));
            else
                e->Respond(Response::Problem(409, store::Describe(submitted.outcome)));
            return;
        }
        const TransferRecord& done = submitted.transfer;
        // The names for the notification need sk_T, which W_up opened; W_up
        // goes once the notices and the audit record are durable (Report).
        auto notices = ctx.ProvidedNotices(done, submitted.identity.get());
        submitted.identity.reset();
        const nlohmann::json detail = {{"files", done.file_ids.size()},
                                       {"recipients", done.recipients.size()}};
        auto answer = Response::Json(
            200, {{"id", done.id},
                  {"status", "provided"},
                  {"expires_at", Rfc3339(done.expires_at)},
                  {"revoke_url",
                   ctx.notifications().RevokeLink(done.id, ctx.RevokeToken(done.id))}});
        // Answered once the report is durable: a crash before it is finished at
        // the next start (the report stays pending in the index), so the 200
        // never precedes what it promises.
        ctx.Report(done.id, std::string(store::kSubmitReport),
                   ctx.EventOf(e, "transfer_provided", done.id, done.sender, detail),
                   std::move(notices), false,
                   [ref, answer = std::move(answer)](bool reported) mutable {
                       if (Exchange* waiting = ref.get())
                           waiting->Respond(reported ? std::move(answer)
                                               : Response::Problem(
                                                     503, "the transfer is provided, but its "
                                                          "notifications could not be stored "
                                                          "yet; they are sent after a restart"));
                   });
    });
}

void RevokeTransfer(ApiContext& ctx, security::SenderAuthenticator& authn, Exchange& ex) {
    const auto t = OwnTransfer(ctx, authn, ex, true);
    if (!t)
        return;
    if (t->status != TransferStatus::open && t->status != TransferStatus::provided) {
        ex.Respond(Response::Problem(410, "the transfer is already gone",
                                     {{"state", std::string(store::ToString(t->status))}}));
        return;
    }
    const http::ExchangeRef ref = ex.Ref();
    const bool by_token = ex.request().QueryParam("revoke_token").has_value();
    store::Actor actor{t->sender, ctx.ClientIp(ex),
                       std::string(ex.request().headers.Get("user-agent").value_or("")),
                       {{"by_revoke_link", by_token}}};
    // The storage's teardown audits and sends the revocation notices.
    ctx.storage().DeleteTransfer(t->id, store::DeletionReason::revoked, std::move(actor),
                                 [ref, &ctx](bool deleted) {
                                     Exchange* e = ref.get();
                                     if (!e)
                                         return;
                                     // transfer_revoked was audited just before.
                                     ctx.HoldForAudit(*e);
                                     e->Respond(deleted ? Response::Empty(204)
                                                        : Response::Problem(
                                                              410, "the transfer is already gone"));
                                 });
}

} // namespace

void GuardUploads(http::Router& router, ApiContext& ctx, security::SenderAuthenticator& authn) {
    router.AddGuard("/api/v1/transfers/{id}/files", [&ctx, &authn](Exchange& ex) {
        // OPTIONS is open; an unknown transfer is left to the handler (404).
        if (ex.request().method == "OPTIONS")
            return true;
        const std::string_view id = ex.request().Param("id");
        const auto sender =
            store::IsValidId(id) ? ctx.storage().index().TransferSender(id) : std::nullopt;
        return !sender || authn.Authenticate(ex, *sender).has_value();
    });
}

void AddTransferRoutes(http::Router& router, ApiContext& ctx,
                       security::SenderAuthenticator& authn) {
    router.Add("POST", "/api/v1/transfers",
               [&ctx, &authn](Exchange& ex) { CreateTransfer(ctx, authn, ex); });
    router.Add("POST", "/api/v1/transfers/{id}/submit",
               [&ctx, &authn](Exchange& ex) { SubmitTransfer(ctx, authn, ex); });
    router.Add("GET", "/api/v1/transfers/{id}", [&ctx, &authn](Exchange& ex) {
        const auto t = OwnTransfer(ctx, authn, ex, true);
        if (!t)
            return;
        Response r = Response::Json(200, StatusJson(*t, ctx.storage().index()));
        r.headers.Add("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add("DELETE", "/api/v1/transfers/{id}",
               [&ctx, &authn](Exchange& ex) { RevokeTransfer(ctx, authn, ex); });
}

} // namespace sealpost::transfer
