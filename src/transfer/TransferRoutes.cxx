#include "age/AgeIdentity.hxx"
#include "crypto/TransferKeys.hxx"
#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "policy/PolicyJson.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "store/AccessGrants.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/Routes.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::transfer {
namespace {

using http::Exchange;
using http::Response;
using store::TransferRecord;
using store::TransferStatus;

MailTime ToMailTime(std::int64_t unix_seconds) {
    return MailTime{std::chrono::seconds(unix_seconds)};
}

nlohmann::json FailedRecipients(const std::vector<RefusedRecipient>& refused) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : refused)
        out.push_back({{"email", r.email}, {"reason", r.reason}, {"message", r.message}});
    return out;
}

/// A boolean member with a default; nullopt after a 400.
std::optional<bool> BoolField(Exchange& ex, const nlohmann::json& body, const char* name,
                              bool fallback) {
    const auto it = body.find(name);
    if (it == body.end() || it->is_null())
        return fallback;
    if (!it->is_boolean()) {
        ex.Respond(Response::Problem(400, std::string(name) + " must be true or false"));
        return std::nullopt;
    }
    return it->get<bool>();
}

std::optional<std::string> TextField(Exchange& ex, const nlohmann::json& body, const char* name,
                                     std::size_t max_size) {
    const auto it = body.find(name);
    if (it == body.end() || it->is_null())
        return std::string();
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max_size) {
        ex.Respond(Response::Problem(400, std::string(name) + " must be a string of at most " +
                                              std::to_string(max_size) + " bytes"));
        return std::nullopt;
    }
    return it->get<std::string>();
}

bool Contains(std::string_view haystack, std::string_view needle) {
    return !needle.empty() && haystack.find(needle) != std::string_view::npos;
}

/// The transfer named in the path, for its sender (cookie or token) or the
/// holder of its revoke token; nullopt after answering.
std::optional<TransferRecord> OwnTransfer(ApiContext& ctx, Exchange& ex, bool allow_revoke_token) {
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
    const auto auth = ctx.Authenticate(ex, t->sender);
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

void CreateTransfer(ApiContext& ctx, Exchange& ex) {
    const auto body = JsonBody(ex);
    if (!body)
        return;
    const auto sender_field = TextField(ex, *body, "sender", 254);
    if (!sender_field)
        return;
    const auto auth = ctx.Authenticate(ex, *sender_field);
    if (!auth)
        return;
    const Config& config = ctx.config();

    // Recipients and the policy.
    const auto to = ParseRecipientsJson(body->value("recipients", nlohmann::json()));
    const auto cc = ParseRecipientsJson(body->value("cc", nlohmann::json()));
    const auto bcc = ParseRecipientsJson(body->value("bcc", nlohmann::json()));
    const auto decision = ctx.sender_policy().Check(auth->email, to, cc, bcc);
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

    // Options.
    std::uint64_t retention_days = config.policy.default_retention_days;
    if (const auto it = body->find("retention_days"); it != body->end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > static_cast<std::int64_t>(config.policy.max_retention_days)) {
            ex.Respond(
                Response::Problem(400, "retention_days must be a whole number from 1 to " +
                                           std::to_string(config.policy.max_retention_days)));
            return;
        }
        retention_days = it->get<std::uint64_t>();
    }
    const auto language = TextField(ex, *body, "language", 16);
    if (!language)
        return;
    if (!language->empty() && *language != "en" && *language != "sv") {
        ex.Respond(Response::Problem(400, "language must be \"en\" or \"sv\""));
        return;
    }
    const auto notify_on_provided = BoolField(ex, *body, "notify_on_provided", true);
    if (!notify_on_provided)
        return;
    const auto notify_on_download = BoolField(ex, *body, "notify_on_download", false);
    if (!notify_on_download)
        return;
    const auto show_filenames = BoolField(ex, *body, "show_filenames", false);
    if (!show_filenames)
        return;
    const auto message_it = body->find("message");
    std::optional<std::string> message;
    if (message_it != body->end() && !message_it->is_null()) {
        if (!message_it->is_string()) {
            ex.Respond(Response::Problem(400, "message must be a string or null"));
            return;
        }
        if (!message_it->get_ref<const std::string&>().empty())
            message = message_it->get<std::string>();
    }
    std::string subject, text;
    if (const auto it = body->find("notification"); it != body->end() && !it->is_null()) {
        if (!it->is_object()) {
            ex.Respond(Response::Problem(400, "notification must be an object"));
            return;
        }
        const auto s = TextField(ex, *it, "subject", 200);
        if (!s)
            return;
        const auto b = TextField(ex, *it, "body", 10000);
        if (!b)
            return;
        subject = *s;
        text = *b;
    }

    // The password.
    const auto mode = TextField(ex, *body, "password_mode", 16);
    if (!mode)
        return;
    const auto given = TextField(ex, *body, "password", 1024);
    if (!given)
        return;
    std::string password;
    bool generated = false;
    if (*mode == "generated") {
        password = ctx.password_policy().Generate();
        generated = true;
    } else if (*mode == "manual" || mode->empty()) {
        password = *given;
        if (password.empty()) {
            ex.Respond(Response::Problem(
                400, "a password is required",
                {{"violations",
                  nlohmann::json::array(
                      {{{"rule", "min_length"}, {"message", "A password is required."}}})}}));
            return;
        }
        const auto violations = ctx.password_policy().Check(password);
        if (!violations.empty()) {
            ex.Respond(
                Response::Problem(400, "the password does not follow the password rules",
                                  {{"violations", PasswordCheckToJson(violations)["violations"]}}));
            return;
        }
    } else if (*mode == "quick") {
        ex.Respond(Response::Problem(400, "QUICK connections are not enabled on this server",
                                     {{"reason", "quick_unavailable"}}));
        return;
    } else {
        ex.Respond(Response::Problem(400, "password_mode must be manual, generated or quick"));
        return;
    }
    if (Contains(subject, password) || Contains(text, password)) {
        ex.Respond(Response::Problem(
            400, "the notification text is not encrypted and must not contain the password"));
        return;
    }

    auto request = std::make_shared<store::NewTransfer>();
    request->sender = auth->email;
    std::vector<std::string> seen;
    for (const auto& [list, kind] :
         {std::pair{&to, "to"}, std::pair{&cc, "cc"}, std::pair{&bcc, "bcc"}}) {
        for (const auto& address : list->addresses) {
            std::string email = address.ToString();
            const std::string key = LowerAscii(email);
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                continue;
            seen.push_back(key);
            request->recipients.emplace_back(std::move(email), kind);
        }
    }
    request->retention_seconds = static_cast<std::int64_t>(retention_days) * 86400;
    request->password = password;
    request->message = message;
    request->options = {{"sender_name", auth->name},
                        {"sender_phone", auth->phone},
                        {"language", language->empty() ? "en" : *language},
                        {"notify_on_provided", *notify_on_provided},
                        {"notify_on_download", *notify_on_download},
                        {"show_filenames", *show_filenames},
                        {"password_mode", generated ? "generated" : "manual"},
                        {"notification_subject", subject},
                        {"notification_body", text}};
    if (auth->by_token) {
        // A token carries no name or phone; the body may give them.
        const auto name = TextField(ex, *body, "sender_name", 200);
        const auto phone = name ? TextField(ex, *body, "sender_phone", 64) : std::nullopt;
        if (!name || !phone)
            return;
        request->options["sender_name"] = *name;
        request->options["sender_phone"] = *phone;
    }

    auto created = std::make_shared<TransferRecord>();
    store::Storage* storage = &ctx.storage();
    const http::ExchangeRef ref = ex.Ref();
    const std::int64_t renew_until = UnixNow() + ctx.CookieSeconds();
    uv_loop_s* loop = ex.loop();
    storage->RunKdf(
        [storage, request, created] {
            try {
                *created = storage->CreateTransfer(*request);
            } catch (const std::exception& e) {
                log::Write(log::Level::error, "transfer_not_created", {{"error", e.what()}});
            }
        },
        [&ctx, ref, created, auth = *auth, generated, password, retention_days, renew_until, loop] {
            Exchange* e = ref.get();
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
            const nlohmann::json detail = {{"recipients", created->recipients.size()},
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
            Response r = Response::Json(201, out);
            r.headers.Add("Location", "/api/v1/transfers/" + created->id);
            r.headers.Add("Cache-Control", "no-store");
            if (!auth.client_handle.empty())
                if (const auto cookie = ctx.ClientOf(*e))
                    r.headers.Add("Set-Cookie", ctx.ClientCookieHeader(*cookie, e->request().tls));
            e->Respond(std::move(r));
        });
}

std::vector<std::string> FileNames(ApiContext& ctx, const TransferRecord& t,
                                   const age::AgeIdentity& identity) {
    std::vector<std::string> names;
    for (const auto& id : t.file_ids)
        if (const auto f = ctx.storage().index().GetFile(id))
            if (const auto details = ctx.storage().OpenFile(*f, identity))
                names.push_back(details->name);
    return names;
}

void NotifyProvided(ApiContext& ctx, const TransferRecord& t,
                    const std::vector<std::string>& names) {
    const std::string language = t.options.value("language", "en");
    const SenderIdentity sender{t.options.value("sender_name", ""), t.sender,
                                t.options.value("sender_phone", "")};
    const bool show = t.options.value("show_filenames", false);
    const std::string subject = t.options.value("notification_subject", "");
    const std::string body = t.options.value("notification_body", "");
    for (const auto& r : t.recipients) {
        RecipientNotificationMail mail{.language = language,
                                       .to = Mailbox::Make("", r.email),
                                       .transfer_id = t.id,
                                       .download_id = r.download_id,
                                       .sender = sender,
                                       .expires_at = ToMailTime(t.expires_at),
                                       .file_names = show ? names : std::vector<std::string>{},
                                       .show_file_names = show,
                                       .has_message = !t.message_file_id.empty()};
        if (!subject.empty())
            mail.custom_subject = subject;
        if (!body.empty())
            mail.custom_body = body;
        ctx.Send(ctx.notifications().RecipientNotification(mail), t.id);
    }
    if (t.options.value("notify_on_provided", true)) {
        std::vector<std::string> listed;
        for (const auto& r : t.recipients)
            if (r.kind != "bcc")
                listed.push_back(r.email);
        for (const auto& r : t.recipients)
            if (r.kind == "bcc")
                listed.push_back(r.email + " (bcc)");
        const SenderConfirmationMail mail{.language = language,
                                          .to = Mailbox::Make(sender.name, t.sender),
                                          .transfer_id = t.id,
                                          .revoke_token = ctx.RevokeToken(t.id),
                                          .recipients = listed,
                                          .file_count = t.file_ids.size(),
                                          .has_message = !t.message_file_id.empty(),
                                          .expires_at = ToMailTime(t.expires_at)};
        ctx.Send(ctx.notifications().SenderConfirmation(mail), t.id);
    }
}

void SubmitTransfer(ApiContext& ctx, Exchange& ex) {
    const auto t = OwnTransfer(ctx, ex, false);
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
        // The names for the notification need sk_T, which W_up opened just
        // before the submit destroyed it.
        const auto names = submitted.identity
                               ? FileNames(ctx, done, *submitted.identity)
                               : std::vector<std::string>{};
        submitted.identity.reset();
        NotifyProvided(ctx, done, names);
        const nlohmann::json detail = {{"files", done.file_ids.size()},
                                       {"recipients", done.recipients.size()}};
        ctx.Audit(e, "transfer_provided", done.id, done.sender, detail);
        if (!e)
            return;
        e->Respond(Response::Json(
            200, {{"id", done.id},
                  {"status", "provided"},
                  {"expires_at", Rfc3339(done.expires_at)},
                  {"revoke_url",
                   ctx.notifications().RevokeLink(done.id, ctx.RevokeToken(done.id))}}));
    });
}

void RevokeTransfer(ApiContext& ctx, Exchange& ex) {
    const auto t = OwnTransfer(ctx, ex, true);
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
                                 [ref](bool deleted) {
                                     if (Exchange* e = ref.get())
                                         e->Respond(deleted ? Response::Empty(204)
                                                            : Response::Problem(
                                                                  410, "the transfer is already gone"));
                                 });
}

} // namespace

void GuardUploads(http::Router& router, ApiContext& ctx) {
    router.AddGuard("/api/v1/transfers/{id}/files",
                    [&ctx](Exchange& ex) { return ctx.AuthorizeUpload(ex); });
}

void AddTransferRoutes(http::Router& router, ApiContext& ctx) {
    router.Add("POST", "/api/v1/transfers", [&ctx](Exchange& ex) { CreateTransfer(ctx, ex); });
    router.Add("POST", "/api/v1/transfers/{id}/submit",
               [&ctx](Exchange& ex) { SubmitTransfer(ctx, ex); });
    router.Add("GET", "/api/v1/transfers/{id}", [&ctx](Exchange& ex) {
        const auto t = OwnTransfer(ctx, ex, true);
        if (!t)
            return;
        Response r = Response::Json(200, StatusJson(*t, ctx.storage().index()));
        r.headers.Add("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add("DELETE", "/api/v1/transfers/{id}",
               [&ctx](Exchange& ex) { RevokeTransfer(ctx, ex); });
}

} // namespace sealpost::transfer
