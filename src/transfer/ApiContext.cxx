#include "transfer/ApiContext.hxx"
#include "http/Exchange.hxx"
#include "http/Response.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "mail/Outbox.hxx"
#include "security/ClientIp.hxx"
#include "security/TooManyRequests.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "util/Hex.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

namespace sealpost::transfer {
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

void ApiContext::Send(Notification notification, std::string_view transfer_id) {
    const std::string kind = notification.label.kind;
    const std::string reference(transfer_id);
    try {
        outbox_.Enqueue(notification.message, notification.label,
                        [this, kind, reference](std::exception_ptr error) {
                            if (!error)
                                return;
                            std::string what = "cannot be stored";
                            try {
                                std::rethrow_exception(error);
                            } catch (const std::exception& e) {
                                what = e.what();
                            }
                            log::Write(log::Level::error, "mail_not_queued",
                                       {{"kind", kind}, {"reference", reference}, {"error", what}});
                            Audit({.event = "notification_failed",
                                   .transfer_id = reference,
                                   .detail = {{"kind", kind}, {"error", what}}});
                        });
    } catch (const std::exception& e) {
        log::Write(log::Level::error, "mail_not_queued",
                   {{"kind", kind}, {"reference", reference}, {"error", e.what()}});
        Audit({.event = "notification_failed",
               .transfer_id = reference,
               .detail = {{"kind", kind}, {"error", e.what()}}});
    }
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
    const auto agent = ex ? ex->request().headers.Get("user-agent") : std::nullopt;
    Audit({std::move(event), std::move(transfer_id), std::move(email),
           ex ? ClientIp(*ex) : std::string(),
           agent ? std::string(agent->substr(0, 512)) : std::string(), std::move(detail)});
    if (ex)
        HoldForAudit(*ex);
}

void ApiContext::HoldForAudit(http::Exchange& ex) {
    if (audit_barrier_hook)
        audit_barrier_hook(ex.Hold());
}

void ApiContext::Audit(audit::AuditEvent event) {
    if (audit_hook)
        audit_hook(std::move(event));
}

bool ApiContext::CheckRate(http::Exchange& ex, std::string_view bucket, std::string_view key) {
    auto it = limiters_.find(bucket);
    if (it == limiters_.end())
        throw std::logic_error("unknown rate limit " + std::string(bucket));
    const std::uint32_t wait = it->second.Take(key);
    if (wait == 0)
        return true;
    ex.Respond(security::TooManyRequests(wait));
    return false;
}

bool ApiContext::CheckFailures(http::Exchange& ex, std::string_view bucket, std::string_view key) {
    auto it = limiters_.find(bucket);
    if (it == limiters_.end())
        throw std::logic_error("unknown rate limit " + std::string(bucket));
    const std::uint32_t wait = it->second.RetryAfter(key);
    if (wait == 0)
        return true;
    ex.Respond(security::TooManyRequests(wait));
    return false;
}

void ApiContext::CountFailure(std::string_view bucket, std::string_view key) {
    auto it = limiters_.find(bucket);
    if (it == limiters_.end())
        throw std::logic_error("unknown rate limit " + std::string(bucket));
    (void)it->second.Take(key);
}

std::string ApiContext::ClientIp(const http::Exchange& ex) const {
    return security::ClientIp(ex, config_.security.trusted_proxies);
}

void ApiContext::TransferDeleted(const store::TransferRecord& t, store::DeletionReason reason,
                                 const store::Actor& actor) {
    using store::DeletionReason;
    const MailTime now{std::chrono::seconds(UnixNow())};
    const std::string language = t.options.value("language", "en");
    const auto sender_box = Mailbox::Make(t.options.value("sender_name", ""), t.sender);
    audit::AuditEvent record{.event = "",
                       .transfer_id = t.id,
                       .email = actor.email.empty() ? t.sender : actor.email,
                       .ip = actor.ip,
                       .user_agent = actor.user_agent,
                       .detail = actor.detail};
    switch (reason) {
    case DeletionReason::revoked: {
        record.event = "transfer_revoked";
        Audit(std::move(record));
        if (t.status != store::TransferStatus::provided)
            return;
        const SenderIdentity sender{t.options.value("sender_name", ""), t.sender,
                                    t.options.value("sender_phone", "")};
        for (const auto& r : t.recipients)
            Send(notifications_.RevocationNotice(
                     {language, Mailbox::Make("", r.email), t.id, sender, now}),
                 t.id);
        return;
    }
    case DeletionReason::expired:
    case DeletionReason::abandoned: {
        record.event = "transfer_expired";
        record.detail["status"] = std::string(store::ToString(t.status));
        if (reason == DeletionReason::abandoned)
            record.detail["abandoned"] = true;
        Audit(std::move(record));
        if (t.status != store::TransferStatus::provided)
            return;
        ExpiryNoticeMail mail{.language = language,
                              .to = sender_box,
                              .transfer_id = t.id,
                              .expired_at = now};
        for (const auto& r : t.recipients)
            mail.recipients.push_back(
                {r.email, r.downloads,
                 r.last_download_at
                     ? std::optional<MailTime>(MailTime{std::chrono::seconds(r.last_download_at)})
                     : std::nullopt});
        Send(notifications_.ExpiryNotice(mail), t.id);
        return;
    }
    case DeletionReason::attempts:
        record.event = "transfer_deleted_attempts";
        record.detail["failed_attempts"] = t.failed_attempts;
        Audit(std::move(record));
        for (auto& n : notifications_.DeletionNotices(
                 {language, sender_box, t.id, t.failed_attempts, now}))
            Send(std::move(n), t.id);
        return;
    case DeletionReason::admin:
        record.event = "admin_deleted";
        record.detail["previous_status"] = std::string(store::ToString(t.status));
        Audit(std::move(record));
        return;
    }
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
