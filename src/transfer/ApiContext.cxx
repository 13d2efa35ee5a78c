#include "transfer/ApiContext.hxx"
#include "http/Exchange.hxx"
#include "http/Response.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "age/AgeIdentity.hxx"
#include "mail/Outbox.hxx"
#include "security/ClientIp.hxx"
#include "security/TooManyRequests.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "util/Hex.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

namespace sealpost::transfer {
using store::TransferRecord;
namespace {

PasswordPolicy PasswordPolicyFrom(const Config& config) {
    PasswordPolicy p;
    p.min_length = config.password.min_length;
    p.require_upper = config.password.require_upper;
    p.require_lower = config.password.require_lower;
    p.max_sequence = config.password.max_sequence;
    return p;
}

std::map<std::string, std::string> Hints(const Config& config) {
    return config.policy.sender_domain_hints;
}

} // namespace

std::string NormaliseLanguage(std::string_view language) {
    const std::string lower = LowerAscii(language);
    if (lower == "sv" || lower.starts_with("sv-"))
        return "sv";
    return "en";
}

ApiContext::ApiContext(const Config& config, store::Storage& storage, Outbox& outbox)
    : config_(config), storage_(storage), outbox_(outbox), senders_(storage.shared_env()),
      cookies_(security::CookiePolicy::From(config)),
      revoke_key_(storage.server_key().Derive("sealpost/v1/server-key/revoke-link")),
      sender_policy_(config.policy.internal_domains, Hints(config)),
      password_policy_(PasswordPolicyFrom(config)),
      notifications_(Notifications::SettingsFrom(config)) {
    using std::chrono::minutes;
    limiters_.emplace("verification_ip", security::RateLimit{20, minutes(60)});
    limiters_.emplace("verification_email", security::RateLimit{5, minutes(60)});
    limiters_.emplace("code_ip", security::RateLimit{20, minutes(10)});
    limiters_.emplace("password_ip", security::RateLimit{30, minutes(10)});
    limiters_.emplace("quick_code_ip", security::RateLimit{20, minutes(10)});
    limiters_.emplace("unknown_link_ip", security::RateLimit{30, minutes(10)});
}

ApiContext::~ApiContext() = default;

void ApiContext::Send(Notification notification, std::string_view transfer_id,
                      std::string outbox_id, std::function<void(bool)> stored) {
    const std::string kind = notification.label.kind;
    const std::string reference(transfer_id);
    const auto refused = [this, kind, reference](const std::string& what) {
        log::Write(log::Level::error, "mail_not_queued",
                   {{"kind", kind}, {"reference", reference}, {"error", what}});
        Audit({.event = "notification_failed",
               .transfer_id = reference,
               .detail = {{"kind", kind}, {"error", what}}});
    };
    try {
        outbox_.Enqueue(notification.message, notification.label,
                        [refused, stored](std::exception_ptr error) {
                            if (error) {
                                std::string what = "cannot be stored";
                                try {
                                    std::rethrow_exception(error);
                                } catch (const std::exception& e) {
                                    what = e.what();
                                }
                                refused(what);
                            }
                            if (stored)
                                stored(!error);
                        },
                        std::move(outbox_id));
    } catch (const std::exception& e) {
        refused(e.what());
        if (stored)
            stored(false);
    }
}

void ApiContext::Report(std::string transfer_id, std::string event, audit::AuditEvent record,
                        std::vector<Notification> notices, bool resumed,
                        std::function<void(bool)> done) {
    if (resumed && audit_holds_hook && audit_holds_hook(transfer_id, record.event))
        log::Write(log::Level::info, "report_audit_present",
                   {{"transfer_id", transfer_id}, {"event", record.event}});
    else
        Audit(std::move(record));
    // Everything below must be durable before the pending report goes: one
    // count per notice and one for the audit records reported so far.
    struct State {
        std::size_t waiting = 0;
        bool stored = true;
        std::function<void(bool)> finish;
    };
    auto state = std::make_shared<State>();
    state->waiting = notices.size() + 1;
    state->finish = [this, transfer_id, event, done = std::move(done)](bool stored) {
        if (!stored) {
            log::Write(log::Level::error, "report_incomplete",
                       {{"transfer_id", transfer_id}, {"event", event}});
            if (done)
                done(false);
            return;
        }
        storage_.Reported(transfer_id, event, done);
    };
    const auto one_stored = [state](bool stored) {
        state->stored = state->stored && stored;
        if (--state->waiting == 0)
            std::exchange(state->finish, nullptr)(state->stored);
    };
    for (std::size_t i = 0; i < notices.size(); ++i)
        Send(std::move(notices[i]), transfer_id,
             OutboxIdFor(transfer_id, event, static_cast<unsigned>(i)), one_stored);
    if (audit_barrier_hook)
        audit_barrier_hook(one_stored);
    else
        one_stored(true);
}

std::vector<Notification> ApiContext::ProvidedNotices(const TransferRecord& t,
                                                      const age::AgeIdentity* identity) {
    std::vector<std::string> names;
    if (identity)
        for (const auto& id : t.file_ids)
            if (const auto f = storage_.index().GetFile(id))
                if (const auto details = storage_.OpenFile(*f, *identity))
                    names.push_back(details->name);
    const std::string language = t.options.value("language", "en");
    const SenderIdentity sender{t.options.value("sender_name", ""), t.sender,
                                t.options.value("sender_phone", "")};
    const bool show = t.options.value("show_filenames", false);
    const std::string subject = t.options.value("notification_subject", "");
    const std::string body = t.options.value("notification_body", "");
    std::vector<Notification> notices;
    for (const auto& r : t.recipients) {
        RecipientNotificationMail mail{.language = language,
                                       .to = Mailbox::Make("", r.email),
                                       .transfer_id = t.id,
                                       .download_id = r.download_id,
                                       .sender = sender,
                                       .expires_at = ToMailTime(t.expires_at),
                                       .file_names = show ? names : std::vector<std::string>{},
                                       .show_file_names = show,
                                       .has_message = !t.message_file_id.empty(),
                                       .password_required = !r.QuickReception()};
        if (!subject.empty())
            mail.custom_subject = subject;
        if (!body.empty())
            mail.custom_body = body;
        notices.push_back(notifications_.RecipientNotification(mail));
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
                                          .revoke_token = RevokeToken(t.id),
                                          .recipients = listed,
                                          .file_count = t.file_ids.size(),
                                          .has_message = !t.message_file_id.empty(),
                                          .expires_at = ToMailTime(t.expires_at)};
        notices.push_back(notifications_.SenderConfirmation(mail));
    }
    return notices;
}

void ApiContext::ResumeReport(const TransferRecord& now, const store::PendingReport& report) {
    if (report.event == store::kSubmitReport) {
        // W_up stays until the notices are stored: they can name the files.
        const auto identity = storage_.UploadIdentity(now.id);
        std::vector<Notification> notices;
        if (store::IsLive(now.status))
            notices = ProvidedNotices(now, identity.get());
        Report(now.id, std::string(store::kSubmitReport),
               {.event = "transfer_provided",
                .transfer_id = now.id,
                .email = now.sender,
                .detail = {{"files", now.file_ids.size()},
                           {"recipients", now.recipients.size()},
                           {"resumed", true}}},
               std::move(notices), true);
        return;
    }
    const auto reason = store::DeletionReasonFrom(report.event);
    if (!reason) {
        log::Write(log::Level::error, "report_unknown",
                   {{"transfer_id", now.id}, {"event", report.event}});
        storage_.Reported(now.id, report.event);
        return;
    }
    TransferRecord before = now;
    before.status = report.was;
    TransferDeleted(before, *reason, {.detail = {{"resumed", true}}}, true);
}

const crypto::ServerKey& ApiContext::server_key() const noexcept {
    return storage_.server_key();
}

void ApiContext::Audit(http::Exchange& ex, std::string event, std::string transfer_id,
                       std::string email, nlohmann::json detail) {
    Audit(&ex, std::move(event), std::move(transfer_id), std::move(email), std::move(detail));
}

void ApiContext::Audit(http::Exchange* ex, std::string event, std::string transfer_id,
                       std::string email, nlohmann::json detail) {
    Audit(EventOf(ex, std::move(event), std::move(transfer_id), std::move(email), std::move(detail)));
    if (ex)
        HoldForAudit(*ex);
}

audit::AuditEvent ApiContext::EventOf(const http::Exchange* ex, std::string event,
                                      std::string transfer_id, std::string email,
                                      nlohmann::json detail) const {
    const auto agent = ex ? ex->request().headers.Get("user-agent") : std::nullopt;
    return {std::move(event), std::move(transfer_id), std::move(email),
            ex ? ClientIp(*ex) : std::string(),
            agent ? std::string(agent->substr(0, 512)) : std::string(), std::move(detail)};
}

void ApiContext::HoldForAudit(http::Exchange& ex) {
    if (audit_barrier_hook)
        audit_barrier_hook(ex.Hold());
}

void ApiContext::Audit(audit::AuditEvent event) {
    if (audit_hook)
        audit_hook(std::move(event));
}

security::RateLimiter& ApiContext::Limiter(std::string_view bucket) {
    auto it = limiters_.find(bucket);
    if (it == limiters_.end())
        throw std::logic_error("unknown rate limit " + std::string(bucket));
    return it->second;
}

bool ApiContext::CheckRate(http::Exchange& ex, std::string_view bucket, std::string_view key) {
    const std::uint32_t wait = Limiter(bucket).Take(key);
    if (wait == 0)
        return true;
    ex.Respond(security::TooManyRequests(wait));
    return false;
}

std::uint32_t ApiContext::FailureWait(std::string_view bucket, std::string_view key) {
    return Limiter(bucket).RetryAfter(key);
}

void ApiContext::CountFailure(std::string_view bucket, std::string_view key) {
    (void)Limiter(bucket).Take(key);
}

std::string ApiContext::ClientIp(const http::Exchange& ex) const {
    return security::ClientIp(ex, config_.security.trusted_proxies);
}

void ApiContext::TransferDeleted(const store::TransferRecord& t, store::DeletionReason reason,
                                 const store::Actor& actor, bool resumed) {
    using store::DeletionReason;
    const MailTime now = ToMailTime(UnixNow());
    const std::string language = t.options.value("language", "en");
    const auto sender_box = Mailbox::Make(t.options.value("sender_name", ""), t.sender);
    audit::AuditEvent record{.event = "",
                             .transfer_id = t.id,
                             .email = actor.email.empty() ? t.sender : actor.email,
                             .ip = actor.ip,
                             .user_agent = actor.user_agent,
                             .detail = actor.detail};
    std::vector<Notification> notices;
    const bool provided = t.status == store::TransferStatus::provided;
    switch (reason) {
    case DeletionReason::revoked: {
        record.event = "transfer_revoked";
        if (!provided)
            break;
        const SenderIdentity sender{t.options.value("sender_name", ""), t.sender,
                                    t.options.value("sender_phone", "")};
        for (const auto& r : t.recipients)
            notices.push_back(notifications_.RevocationNotice(
                {language, Mailbox::Make("", r.email), t.id, sender, now}));
        break;
    }
    case DeletionReason::expired:
    case DeletionReason::abandoned: {
        record.event = "transfer_expired";
        record.detail["status"] = std::string(store::ToString(t.status));
        if (reason == DeletionReason::abandoned)
            record.detail["abandoned"] = true;
        if (!provided)
            break;
        ExpiryNoticeMail mail{.language = language,
                              .to = sender_box,
                              .transfer_id = t.id,
                              .expired_at = now};
        for (const auto& r : t.recipients)
            mail.recipients.push_back(
                {r.email, r.downloads,
                 r.last_download_at ? std::optional<MailTime>(ToMailTime(r.last_download_at))
                                    : std::nullopt});
        notices.push_back(notifications_.ExpiryNotice(mail));
        break;
    }
    case DeletionReason::attempts:
        record.event = "transfer_deleted_attempts";
        record.detail["failed_attempts"] = t.failed_attempts;
        notices = notifications_.DeletionNotices(
            {language, sender_box, t.id, t.failed_attempts, now});
        break;
    case DeletionReason::admin:
        record.event = "admin_deleted";
        record.detail["previous_status"] = std::string(store::ToString(t.status));
        break;
    }
    Report(t.id, std::string(store::ToString(reason)), std::move(record), std::move(notices),
           resumed);
}

void ApiContext::FileUploaded(const store::FileRecord& file) {
    Audit({.event = "file_uploaded",
           .transfer_id = file.transfer_id,
           .email = storage_.index().TransferSender(file.transfer_id).value_or(std::string()),
           .detail = {{"file_id", file.id}, {"size", file.size}}});
}

std::string ApiContext::RevokeToken(std::string_view transfer_id) const {
    std::array<std::uint8_t, 20> out{};
    sodium::Blake2b(out, revoke_key_.Span(),
                    {reinterpret_cast<const std::uint8_t*>(transfer_id.data()), transfer_id.size()});
    return HexEncode(out);
}

bool ApiContext::CheckRevokeToken(std::string_view transfer_id, std::string_view token) const {
    const std::string expected = RevokeToken(transfer_id);
    return sodium::ConstantTimeEqual(
        {reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()},
        {reinterpret_cast<const std::uint8_t*>(token.data()), token.size()});
}

} // namespace sealpost::transfer
