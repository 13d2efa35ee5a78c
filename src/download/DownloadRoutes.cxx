#include "download/DownloadRoutes.hxx"
#include "download/ChecksumLine.hxx"
#include "download/ContentDisposition.hxx"
#include "download/OpenedFiles.hxx"
#include "download/ZipDownload.hxx"
#include "http/Cookie.hxx"
#include "http/Exchange.hxx"
#include "http/JsonBody.hxx"
#include "http/Metrics.hxx"
#include "http/Range.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "security/Origin.hxx"
#include "store/BlobSource.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "security/SenderAuthenticator.hxx"
#include "security/TooManyRequests.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/QuickAccess.hxx"
#include "transfer/Routes.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::download {
namespace {

using http::Exchange;
using http::Response;
using store::TransferRecord;
using store::TransferStatus;
using transfer::ApiContext;

/// Whether the request's sp_access cookie opens the download `id` (its
/// recipient unlocked it in this browser before).
bool HoldsAccess(ApiContext& ctx, const Exchange& ex, const std::string& id) {
    const auto cookie = http::GetCookie(ex.request().headers, store::kAccessCookie);
    if (!cookie || !store::IsValidId(id))
        return false;
    const auto transfer_id = ctx.storage().index().TransferOfDownload(id);
    return transfer_id &&
           ctx.storage().grants().Open(*cookie, *transfer_id, id, UnixNow()) != nullptr;
}

/// The transfer behind a download id, or a response already sent.
std::optional<TransferRecord> FindTransfer(ApiContext& ctx, Exchange& ex) {
    // Guessing links: an address that named 30 unknown download ids in 10
    // minutes gets 429 for every download id until its bucket refills, known
    // or not (known links are not counted; an answer that told them apart
    // would let it go on guessing). Only a request that proves it holds access
    // to that very download, by an sp_access cookie opening it, is still
    // served: a recipient behind the same address (a NAT) as a guesser keeps
    // the download it unlocked.
    const std::string ip = ctx.ClientIp(ex);
    const std::string id(ex.request().Param("download_id"));
    if (const std::uint32_t wait = ctx.FailureWait("unknown_link_ip", ip);
        wait > 0 && !HoldsAccess(ctx, ex, id)) {
        ex.Respond(security::TooManyRequests(wait));
        return std::nullopt;
    }
    const auto unknown = [&] {
        ctx.CountFailure("unknown_link_ip", ip);
        ex.Respond(Response::Problem(404, "no such download"));
        return std::nullopt;
    };
    if (!store::IsValidId(id))
        return unknown();
    store::Storage& storage = ctx.storage();
    const auto transfer_id = storage.index().TransferOfDownload(id);
    auto transfer = transfer_id ? storage.index().GetTransfer(*transfer_id) : std::nullopt;
    // A link goes live when its sender submits the transfer (and it is mailed).
    if (!transfer || transfer->status == TransferStatus::open)
        return unknown();
    if (transfer->status != TransferStatus::provided) {
        ex.Respond(Response::Problem(410, "this transfer is no longer available",
                                     {{"state", std::string(store::ToString(transfer->status))}}));
        return std::nullopt;
    }
    // Past its retention but not yet swept (the clock stepped forward, or the
    // expiry timer has not run yet): never served; expired now, with its audit
    // event and notices.
    if (transfer->expires_at <= UnixNow()) {
        storage.DeleteTransfer(transfer->id, store::DeletionReason::expired, {}, nullptr);
        ex.Respond(Response::Problem(410, "this transfer is no longer available",
                                     {{"state", "expired"}}));
        return std::nullopt;
    }
    return transfer;
}

using Authorized = std::function<void(Exchange&, const TransferRecord&, store::Identity)>;

/// The actor of a password attempt, for the deletion's audit event.
store::Actor AttemptActor(ApiContext& ctx, const Exchange& ex, const TransferRecord& t) {
    const auto* recipient = t.FindRecipient(ex.request().Param("download_id"));
    return {recipient ? recipient->email : std::string(), ctx.ClientIp(ex),
            std::string(ex.request().headers.Get("user-agent").value_or("")),
            nlohmann::json::object()};
}

/// Mails and audit events of a password attempt's outcome (both routes that
/// take a password use this); answers the request unless it unlocked. The
/// deletion's own audit event and notices come from the storage's teardown.
void SettleAttempt(ApiContext& ctx, Exchange& ex, const TransferRecord& before,
                   const store::Storage::AttemptResult& result, std::string_view route) {
    using Outcome = store::Index::AttemptOutcome;
    const auto& policy = ctx.storage().options().attempts;
    const TransferRecord& t = result.transfer.id.empty() ? before : result.transfer;
    const std::string download_id(ex.request().Param("download_id"));
    const auto* recipient = before.FindRecipient(download_id);
    const std::string email = recipient ? recipient->email : std::string();
    const std::string language = before.options.value("language", "en");
    if (result.busy) {
        Response r = Response::Problem(503, "too many password checks are waiting; try again");
        r.headers.Add("Retry-After", "5");
        ex.Respond(std::move(r));
        return;
    }
    switch (result.outcome) {
    case Outcome::unlocked:
        ctx.Audit(ex, "download_unlocked", t.id, email, {{"route", route}});
        return;
    case Outcome::failed:
        ctx.Audit(ex, "password_failed", t.id, email,
                  {{"route", route}, {"failed_attempts", t.failed_attempts}});
        ex.Respond(Response::Problem(
            401, "wrong password",
            {{"attempts_left",
              policy.lock_after - std::min(policy.lock_after, t.consecutive_failures)},
             {"attempts_before_deletion",
              policy.delete_after - std::min(policy.delete_after, t.failed_attempts)}}));
        return;
    case Outcome::locked: {
        // Evaluated (this attempt set the lock), or refused unevaluated.
        if (result.evaluated) {
            ctx.Audit(ex, "password_failed", t.id, email,
                      {{"route", route}, {"failed_attempts", t.failed_attempts}});
            ctx.Audit(ex, "transfer_locked", t.id, email,
                      {{"locked_until", Rfc3339(t.locked_until)},
                       {"failed_attempts", t.failed_attempts}});
            for (auto& n : ctx.notifications().LockoutNotices(
                     {language, Mailbox::Make(t.options.value("sender_name", ""), t.sender), t.id,
                      t.failed_attempts, ToMailTime(t.locked_until)}))
                ctx.Send(std::move(n), t.id);
        }
        const std::int64_t until =
            t.locked_until > UnixNow() ? t.locked_until : UnixNow() + policy.lock_seconds;
        ex.Respond(Response::Problem(
            423, "too many wrong passwords: this transfer is locked",
            {{"locked_until", Rfc3339(until)},
             {"attempts_before_deletion",
              policy.delete_after - std::min(policy.delete_after, t.failed_attempts)}}));
        return;
    }
    case Outcome::deleted:
        ctx.Audit(ex, "password_failed", t.id, email,
                  {{"route", route}, {"failed_attempts", t.failed_attempts}});
        ex.Respond(Response::Problem(410, "this transfer is no longer available",
                                     {{"state", "deleted"}}));
        return;
    case Outcome::deferred: { // waited for too long a queue of attempts (busy, above)
        Response r = Response::Problem(503, "too many password checks are waiting; try again");
        r.headers.Add("Retry-After", "2");
        ex.Respond(std::move(r));
        return;
    }
    case Outcome::reserved:
    case Outcome::gone:
        ex.Respond(Response::Problem(410, "this transfer is no longer available"));
        return;
    }
}

/// A transfer made with QUICK for connected recipients only has no password.
Response QuickOnly() {
    return Response::Problem(400,
                             "this transfer has no password: it opens only in a browser connected "
                             "with QUICK (or restored there with an activation code)",
                             {{"reason", "quick_only"}});
}

/// sk_T through W_q[B] when the request comes from a browser that holds the
/// recipient's QUICK key (verified for the recipient's address); else null.
store::Identity QuickIdentity(ApiContext& ctx, const security::SenderAuthenticator& authn,
                              const Exchange& ex, const TransferRecord& t) {
    const auto* recipient = t.FindRecipient(ex.request().Param("download_id"));
    if (!recipient || recipient->quick_key_id.empty())
        return nullptr;
    const auto browser = transfer::QuickBrowserOf(ctx, authn, ex, recipient->email);
    return browser ? ctx.storage().OpenWithQuick(t, *recipient, *browser) : nullptr;
}

/// Opens the transfer key with the access cookie, a QUICK browser or
/// X-Sealpost-Password, then calls `next`.
void WithAccess(ApiContext& ctx, const security::SenderAuthenticator& authn, Exchange& ex,
                Authorized next) {
    store::Storage& storage = ctx.storage();
    auto transfer = FindTransfer(ctx, ex);
    if (!transfer)
        return;
    const std::string download_id(ex.request().Param("download_id"));
    if (const auto cookie = http::GetCookie(ex.request().headers, store::kAccessCookie))
        if (auto identity = storage.grants().Open(*cookie, transfer->id, download_id, UnixNow())) {
            next(ex, *transfer, std::move(identity));
            return;
        }
    if (auto identity = QuickIdentity(ctx, authn, ex, *transfer)) {
        next(ex, *transfer, std::move(identity));
        return;
    }
    const auto password = ex.request().headers.Get("x-sealpost-password");
    if (!password) {
        ex.Respond(Response::Problem(401, "a password is required", {{"password_required", true}}));
        return;
    }
    if (transfer->options.value("quick_only", false)) {
        ex.Respond(QuickOnly());
        return;
    }
    if (!ctx.CheckRate(ex, "password_ip", ctx.ClientIp(ex)))
        return;
    const http::ExchangeRef ref = ex.Ref();
    storage.AttemptPassword(*transfer, std::string(*password), AttemptActor(ctx, ex, *transfer),
                            [&ctx, ref, before = *transfer,
                             next = std::move(next)](store::Storage::AttemptResult result) {
                                Exchange* e = ref.get();
                                if (!e)
                                    return;
                                SettleAttempt(ctx, *e, before, result, "header");
                                if (result.outcome == store::Index::AttemptOutcome::unlocked)
                                    next(*e, result.transfer, std::move(result.identity));
                            });
}

/// Counts a retrieval for the recipient and sends the sender's receipt when
/// asked for; `item` is the file name (shown only when the sender allowed).
void CountDownload(ApiContext& ctx, Exchange& ex, const TransferRecord& t, std::string item) {
    const std::string download_id(ex.request().Param("download_id"));
    store::Storage* storage = &ctx.storage();
    auto updated = std::make_shared<std::optional<TransferRecord>>();
    const std::int64_t now = UnixNow();
    uv::QueueWork(
        ex.loop(),
        [storage, id = t.id, download_id, now, updated] {
            *updated = storage->RecordDownloadNow(id, download_id, now);
        },
        [&ctx, updated, download_id, now, item = std::move(item)](std::exception_ptr error) {
            if (error || !*updated)
                return;
            const TransferRecord& after = **updated;
            if (!after.options.value("notify_on_download", false))
                return;
            const auto* recipient = after.FindRecipient(download_id);
            const DownloadReceiptMail mail{
                .language = after.options.value("language", "en"),
                .to = Mailbox::Make(after.options.value("sender_name", ""), after.sender),
                .transfer_id = after.id,
                .recipient = recipient ? recipient->email : std::string(),
                .downloaded_at = ToMailTime(now),
                .item = after.options.value("show_filenames", false) ? item : std::string(),
                .expires_at = ToMailTime(after.expires_at)};
            ctx.Send(ctx.notifications().DownloadReceipt(mail), after.id);
        });
}

std::string RecipientEmail(const TransferRecord& t, const Exchange& ex) {
    const auto* r = t.FindRecipient(ex.request().Param("download_id"));
    return r ? r->email : std::string();
}

std::optional<store::FileRecord> FileOf(store::Storage& storage, const TransferRecord& t,
                                        std::string_view file_id) {
    if (!store::IsValidId(file_id))
        return std::nullopt;
    for (const auto& id : t.file_ids)
        if (id == file_id) {
            auto file = storage.index().GetFile(id);
            if (file && file->complete)
                return file;
        }
    return std::nullopt;
}

void SendFile(ApiContext& ctx, http::Metrics& metrics, Exchange& ex, const TransferRecord& t,
              store::Identity identity) {
    store::Storage& storage = ctx.storage();
    const auto file = FileOf(storage, t, ex.request().Param("file_id"));
    if (!file) {
        ex.Respond(Response::Problem(404, "no such file"));
        return;
    }
    const auto meta = storage.OpenFile(*file, *identity);
    if (!meta) {
        ex.Respond(Response::Problem(500, "the file's metadata cannot be opened"));
        return;
    }
    const std::string etag = "\"" + meta->sha256 + "\"";
    if (const auto inm = ex.request().headers.Get("if-none-match"); inm && *inm == etag) {
        Response r = Response::Empty(304);
        r.headers.Add("ETag", etag);
        ex.Respond(std::move(r));
        return;
    }
    http::ByteRange range{0, file->size ? file->size - 1 : 0};
    int status = 200;
    if (const auto header = ex.request().headers.Get("range")) {
        const auto if_range = ex.request().headers.Get("if-range");
        if (!if_range || *if_range == etag) {
            switch (http::ParseRange(*header, file->size, range)) {
            case http::RangeResult::satisfiable:
                status = 206;
                break;
            case http::RangeResult::unsatisfiable: {
                Response r = Response::Problem(416, "range not satisfiable");
                r.headers.Add("Content-Range", "bytes */" + std::to_string(file->size));
                ex.Respond(std::move(r));
                return;
            }
            case http::RangeResult::none:
                range = {0, file->size ? file->size - 1 : 0};
                break;
            }
        }
    }
    const bool inline_view = ex.request().QueryParam("inline") == "1";
    Response head;
    head.status = status;
    head.headers.Add("Content-Type", inline_view && !meta->type.empty()
                                         ? meta->type
                                         : std::string("application/octet-stream"));
    head.headers.Add("Content-Disposition", ContentDisposition(inline_view, meta->name));
    head.headers.Add("Accept-Ranges", "bytes");
    head.headers.Add("ETag", etag);
    head.headers.Add("Content-Security-Policy", "default-src 'none'; sandbox");
    const std::uint64_t length = file->size ? range.Length() : 0;
    if (status == 206)
        head.headers.Add("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                              std::to_string(range.last) + "/" +
                                              std::to_string(file->size));
    head.headers.Add("Cache-Control", "no-store");
    if (ex.request().method != "HEAD") {
        ctx.Audit(ex, "file_downloaded", t.id, RecipientEmail(t, ex),
                  {{"file_id", file->id}, {"size", file->size}, {"partial", status == 206}});
        // A retrieval counts once per whole-file response, not per range.
        if (status == 200)
            CountDownload(ctx, ex, t, meta->name);
    }
    if (length == 0 || ex.request().method == "HEAD") {
        ex.RespondStream(std::move(head), length, nullptr);
        return;
    }
    const http::ExchangeRef ref = ex.Ref();
    store::OpenBlob(ex.loop(), storage.blobs(), *file, identity,
                    [ref, &metrics, head = std::move(head), range,
                     length](std::shared_ptr<store::OpenBlobFile> blob, std::string error) mutable {
                        Exchange* e = ref.get();
                        if (!e)
                            return;
                        if (!blob) {
                            e->Respond(Response::Problem(500, "the file cannot be read: " + error));
                            return;
                        }
                        e->RespondStream(
                            std::move(head), length,
                            http::CountInFlight(store::MakeBlobSource(e->loop(), std::move(blob),
                                                                      range.first, length),
                                                metrics.downloads_in_flight));
                    });
}

/// Stores an access grant for `identity` (a random key that only the
/// recipient's cookie holds, see store::AccessGrants) and answers an unlock
/// with the files, the cookie, and `extra` members.
void GrantAccess(ApiContext& ctx, Exchange& ex, const TransferRecord& t, store::Identity identity,
                 nlohmann::json extra) {
    const std::int64_t now = UnixNow();
    const std::int64_t access_expires = std::min(t.expires_at, now + ApiContext::kAccessSeconds);
    auto cookie = std::make_shared<std::string>();
    store::AccessGrants* grants = &ctx.storage().grants();
    const std::string download_id(ex.request().Param("download_id"));
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [grants, cookie, t, download_id, identity, access_expires, now] {
            grants->Prune(now);
            *cookie = grants->Create(t.id, download_id, *identity, access_expires);
        },
        [&ctx, ref, cookie, t, identity, access_expires, download_id, now,
         extra = std::move(extra)](std::exception_ptr error) {
            Exchange* done = ref.get();
            if (!done)
                return;
            if (error) {
                done->Respond(Response::Problem(503, "access cannot be granted now"));
                return;
            }
            nlohmann::json files = nlohmann::json::array();
            for (const auto& f : CompleteFiles(ctx.storage(), t, *identity))
                files.push_back({{"id", f.record.id},
                                 {"name", f.name},
                                 {"size", f.record.size},
                                 {"type", f.type},
                                 {"sha256", f.sha256}});
            nlohmann::json out = {{"files", files},
                                  {"message", !t.message_file_id.empty()},
                                  {"expires_at", Rfc3339(t.expires_at)},
                                  {"access_expires_at", Rfc3339(access_expires)}};
            for (const auto& [key, value] : extra.items())
                out[key] = value;
            Response r = Response::Json(200, out);
            r.headers.Add("Set-Cookie",
                          ctx.cookies().PathCookie(store::kAccessCookie, *cookie,
                                                   "/api/v1/downloads/" + download_id,
                                                   access_expires - now));
            r.headers.Add("Cache-Control", "no-store");
            done->Respond(std::move(r));
        });
}

/// QUICK activation after a successful unlock with the invitation's password:
/// SK{A,B} (opened from W_inv[B]) is held under this browser's personal key
/// for B, then access is granted.
void Activate(ApiContext& ctx, Exchange& ex, const TransferRecord& t,
              store::Storage::AttemptResult result,
              std::shared_ptr<const store::QuickBrowser> browser) {
    const auto* recipient = t.FindRecipient(ex.request().Param("download_id"));
    if (!recipient || !result.invitation_key) {
        GrantAccess(ctx, ex, t, std::move(result.identity), {{"quick_activated", false}});
        return;
    }
    auto held_before = std::make_shared<bool>(false);
    store::QuickKeys* quick = &ctx.storage().quick();
    const http::ExchangeRef ref = ex.Ref();
    uv::QueueWork(
        ex.loop(),
        [quick, browser, key = result.invitation_key, email = recipient->email, sender = t.sender,
         key_id = recipient->quick_key_id, held_before] {
            *held_before = quick->Held(email, sender, key_id);
            quick->Hold(*browser, email, sender, key_id, *key, UnixNow());
        },
        [&ctx, ref, t, identity = result.identity, email = recipient->email,
         held_before](std::exception_ptr error) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(Response::Problem(503, "QUICK cannot be activated now"));
                return;
            }
            ctx.Audit(*e, *held_before ? "quick_reactivated" : "quick_activated", t.id, email,
                      {{"route", "password"}, {"partner", t.sender}});
            GrantAccess(ctx, *e, t, identity, {{"quick_activated", true}});
        });
}

void Unlock(ApiContext& ctx, const security::SenderAuthenticator& authn, Exchange& ex) {
    if (!security::CheckOrigin(ex, ctx.config().server.public_url,
                               security::OriginRule::required))
        return;
    const auto transfer = FindTransfer(ctx, ex);
    if (!transfer)
        return;
    const auto body = http::JsonBody(ex);
    if (!body)
        return;
    std::string password;
    if (const auto it = body->find("password"); it != body->end() && !it->is_null()) {
        if (!it->is_string() || it->get_ref<const std::string&>().size() > 1024) {
            ex.Respond(Response::Problem(400, "password must be a string of at most 1024 bytes"));
            return;
        }
        password = it->get<std::string>();
    }
    bool activate = false;
    if (const auto it = body->find("activate_quick"); it != body->end() && !it->is_null()) {
        if (!it->is_boolean()) {
            ex.Respond(Response::Problem(400, "activate_quick must be true or false"));
            return;
        }
        activate = it->get<bool>();
    }
    const TransferRecord& t = *transfer;
    const auto* recipient = t.FindRecipient(ex.request().Param("download_id"));
    const std::string email = recipient ? recipient->email : std::string();

    if (password.empty()) {
        // No password: a browser that holds the recipient's QUICK key.
        auto identity = activate ? nullptr : QuickIdentity(ctx, authn, ex, t);
        if (!identity) {
            ex.Respond(Response::Problem(400, "a password is required",
                                         {{"password_required", true},
                                          {"quick_only", t.options.value("quick_only", false)}}));
            return;
        }
        ctx.Audit(ex, "download_unlocked", t.id, email, {{"route", "quick"}});
        GrantAccess(ctx, ex, t, std::move(identity), {{"quick", true}});
        return;
    }
    if (t.options.value("quick_only", false)) {
        ex.Respond(QuickOnly());
        return;
    }
    std::shared_ptr<const store::QuickBrowser> browser;
    std::string invitation_of;
    if (activate) {
        // Checked before the password is: a refusal here counts no attempt.
        if (!ctx.config().quick.enabled) {
            ex.Respond(Response::Problem(400, "QUICK connections are not enabled on this server",
                                         {{"reason", "quick_unavailable"}}));
            return;
        }
        if (!recipient || !recipient->quick_invitation) {
            ex.Respond(Response::Problem(400, "this transfer cannot activate QUICK",
                                         {{"reason", "quick_no_invitation"}}));
            return;
        }
        auto b = transfer::QuickBrowserOf(ctx, authn, ex, recipient->email);
        if (!b) {
            ex.Respond(transfer::QuickIdentityRequired(recipient->email));
            return;
        }
        browser = std::make_shared<const store::QuickBrowser>(std::move(*b));
        invitation_of = recipient->download_id;
    }
    if (!ctx.CheckRate(ex, "password_ip", ctx.ClientIp(ex)))
        return;
    const http::ExchangeRef ref = ex.Ref();
    ctx.storage().AttemptPassword(
        t, password, AttemptActor(ctx, ex, t),
        [&ctx, ref, before = t, browser](store::Storage::AttemptResult result) {
            Exchange* e = ref.get();
            if (!e)
                return;
            SettleAttempt(ctx, *e, before, result, "unlock");
            if (result.outcome != store::Index::AttemptOutcome::unlocked)
                return;
            const TransferRecord after = result.transfer;
            if (browser)
                Activate(ctx, *e, after, std::move(result), browser);
            else
                GrantAccess(ctx, *e, after, std::move(result.identity), nlohmann::json::object());
        },
        invitation_of);
}

} // namespace

void AddDownloadRoutes(http::Router& router, ApiContext& ctx, security::SenderAuthenticator& authn,
                       http::Metrics& metrics) {
    const std::string base = "/api/v1/downloads/{download_id}";
    router.Add("GET", base, [&ctx, &authn](Exchange& ex) {
        const auto t = FindTransfer(ctx, ex);
        if (!t)
            return;
        const auto* recipient = t->FindRecipient(ex.request().Param("download_id"));
        const bool quick_on = ctx.config().quick.enabled;
        std::optional<store::QuickBrowser> browser;
        if (recipient)
            browser = transfer::QuickBrowserOf(ctx, authn, ex, recipient->email);
        const bool by_quick =
            browser && recipient && ctx.storage().OpenWithQuick(*t, *recipient, *browser);
        Response r = Response::Json(
            200, {{"sender",
                   {{"email", t->sender},
                    {"name", t->options.value("sender_name", "")},
                    {"phone", t->options.value("sender_phone", "")}}},
                  {"expires_at", Rfc3339(t->expires_at)},
                  {"password_required", !by_quick},
                  {"recipient", recipient ? recipient->email : std::string()},
                  {"quick_invitation", quick_on && recipient && recipient->quick_invitation},
                  {"quick_identity", browser.has_value()},
                  {"quick_only", t->options.value("quick_only", false)},
                  {"locked_until", t->locked_until > UnixNow()
                                       ? nlohmann::json(Rfc3339(t->locked_until))
                                       : nlohmann::json(nullptr)}});
        r.headers.Add("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add("POST", base + "/unlock", [&ctx, &authn](Exchange& ex) { Unlock(ctx, authn, ex); });
    router.Add("GET", base + "/files/{file_id}", [&ctx, &authn, &metrics](Exchange& ex) {
        WithAccess(ctx, authn, ex,
                   [&ctx, &metrics](Exchange& e, const TransferRecord& t, store::Identity id) {
                       SendFile(ctx, metrics, e, t, std::move(id));
                   });
    });
    router.Add("GET", base + "/checksums", [&ctx, &authn](Exchange& ex) {
        WithAccess(ctx, authn, ex, [&ctx](Exchange& e, const TransferRecord& t, store::Identity id) {
            std::string text;
            for (const auto& f : CompleteFiles(ctx.storage(), t, *id))
                text += ChecksumLine(f.sha256, f.name);
            Response r = Response::Text(200, std::move(text));
            r.headers.Add("Cache-Control", "no-store");
            e.Respond(std::move(r));
        });
    });
    router.Add("GET", base + "/message", [&ctx, &authn](Exchange& ex) {
        WithAccess(ctx, authn, ex, [&ctx](Exchange& e, const TransferRecord& t, store::Identity id) {
            store::Storage& storage = ctx.storage();
            const auto file = t.message_file_id.empty()
                                  ? std::nullopt
                                  : storage.index().GetFile(t.message_file_id);
            if (!file) {
                e.Respond(Response::Problem(404, "this transfer has no message"));
                return;
            }
            ctx.Audit(e, "message_read", t.id, RecipientEmail(t, e));
            // Read off the loop thread like every other blob.
            auto text = std::make_shared<std::string>(file->size, '\0');
            const store::BlobStore* blobs = &storage.blobs();
            const http::ExchangeRef ref = e.Ref();
            uv::QueueWork(
                e.loop(),
                [text, file = *file, blobs, id] {
                    const auto blob = store::OpenBlobNow(*blobs, file, *id);
                    store::ReadPlain(
                        *blob, 0,
                        std::span(reinterpret_cast<std::uint8_t*>(text->data()), text->size()));
                },
                [ref, text](std::exception_ptr error) {
                    Exchange* done = ref.get();
                    if (!done)
                        return;
                    if (error) {
                        done->Respond(Response::Problem(500, "the message cannot be read"));
                        return;
                    }
                    Response r = Response::Json(200, {{"message", *text}});
                    r.headers.Add("Cache-Control", "no-store");
                    done->Respond(std::move(r));
                });
        });
    });
    router.Add("GET", base + "/zip", [&ctx, &authn, &metrics](Exchange& ex) {
        WithAccess(ctx, authn, ex,
                   [&ctx, &metrics](Exchange& e, const TransferRecord& t, store::Identity id) {
                       if (e.request().method != "HEAD") {
                           ctx.Audit(e, "zip_downloaded", t.id, RecipientEmail(t, e));
                           CountDownload(ctx, e, t, "ZIP");
                       }
                       SendZip(ctx.storage(), metrics, e, t, std::move(id));
                   });
    });
}

} // namespace sealpost::download
