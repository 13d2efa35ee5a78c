// What the sender- and recipient-side API routes share: the configuration,
// storage, the sender store, the policies, the mail outbox with its templates, the
// cookie policy, and the audit and rate-limit hooks the application wires in. Who
// the sender of a request is (security::SenderAuthenticator) is passed to the
// routes separately.
//
// Lives on the loop thread, owned by the App; routes hold a reference.
#pragma once

#include "audit/AuditRecord.hxx"
#include "config/Config.hxx"
#include "crypto/ServerKey.hxx"
#include "identity/SenderStore.hxx"
#include "mail/Notifications.hxx"
#include "policy/PasswordPolicy.hxx"
#include "policy/SenderPolicy.hxx"
#include "security/CookiePolicy.hxx"
#include "security/RateLimiter.hxx"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct uv_loop_s;
namespace sealpost {
class Outbox;
}
namespace sealpost::age {
class AgeIdentity;
}
namespace sealpost::http {
class Exchange;
struct Response;
} // namespace sealpost::http
namespace sealpost::store {
class Storage;
struct TransferRecord;
struct FileRecord;
struct Actor;
struct PendingReport;
enum class DeletionReason;
} // namespace sealpost::store

namespace sealpost::transfer {

class ApiContext {
public:
    ApiContext(const Config& config, store::Storage& storage, Outbox& outbox);
    ~ApiContext();

    const Config& config() const noexcept { return config_; }
    store::Storage& storage() noexcept { return storage_; }
    identity::SenderStore& senders() noexcept { return senders_; }
    const SenderPolicy& sender_policy() const noexcept { return sender_policy_; }
    const PasswordPolicy& password_policy() const noexcept { return password_policy_; }
    const Notifications& notifications() const noexcept { return notifications_; }
    const crypto::ServerKey& server_key() const noexcept;

    const security::CookiePolicy& cookies() const noexcept { return cookies_; }

    std::function<void(audit::AuditEvent)> audit_hook;
    /// Calls back once every event reported so far is durable (AuditLog::WhenStored).
    std::function<void(std::function<void(bool stored)>)> audit_barrier_hook;

    /// Queues a notification; failures to store it are logged (and audited).
    /// `outbox_id`: see Outbox::Enqueue; `stored(true)` once it is durable.
    void Send(Notification notification, std::string_view transfer_id = {},
              std::string outbox_id = {}, std::function<void(bool stored)> stored = {});

    /// Reports a state change of a transfer (a store::PendingReport named
    /// `event`): its audit record and its notices are stored, and once every
    /// one of them is durable the pending report is cleared
    /// (Storage::Reported) and `done(true)`; when something could not be
    /// stored it stays pending for the next start and `done(false)`. The
    /// notices have outbox ids derived from the transfer, the event and their
    /// order, so a report made again is queued and sent once. `resumed`: made
    /// again after a crash; the audit record is skipped when the log already
    /// holds that event for the transfer.
    void Report(std::string transfer_id, std::string event, audit::AuditEvent record,
                std::vector<Notification> notices, bool resumed,
                std::function<void(bool)> done = {});
    /// The audit event of a request (IP, user agent; none when ex is null).
    audit::AuditEvent EventOf(const http::Exchange* ex, std::string event, std::string transfer_id,
                              std::string email, nlohmann::json detail) const;
    /// True when the audit log holds `event` for the transfer (start-up only:
    /// blocking). Set by the application.
    std::function<bool(std::string_view transfer_id, std::string_view event)> audit_holds_hook;

    /// The notices of a submitted transfer: each recipient's notification
    /// (naming the files when the sender chose so; `identity` is sk_T, null
    /// when it can no longer be opened) and the sender's confirmation.
    std::vector<Notification> ProvidedNotices(const store::TransferRecord& t,
                                              const age::AgeIdentity* identity);
    /// Storage::on_unreported: a report a crash left pending, made again.
    void ResumeReport(const store::TransferRecord& now, const store::PendingReport& report);

    /// Reports an audit event with the request's IP and user agent; the request's
    /// answer is held until the record is durable (HoldForAudit).
    void Audit(http::Exchange& ex, std::string event, std::string transfer_id,
               std::string email, nlohmann::json detail = nlohmann::json::object());
    /// The same when the request may be gone (nullptr: no IP, user agent or hold).
    void Audit(http::Exchange* ex, std::string event, std::string transfer_id,
               std::string email, nlohmann::json detail = nlohmann::json::object());
    /// Holds the answer to `ex` until every audit event reported so far is stored
    /// and synced (a crash after the client saw the answer never loses its trace);
    /// a failed write answers 503 instead (http::Exchange::Hold).
    void HoldForAudit(http::Exchange& ex);
    /// The same for events without a request (expiry, mail delivery).
    void Audit(audit::AuditEvent event);

    /// Counts one hit against a rate limit (README); true when the
    /// request may go ahead, otherwise 429 with Retry-After was sent. Limits:
    ///   verification_ip     20 code requests per hour per client IP
    ///   verification_email   5 code requests per hour per address
    ///   code_ip             20 code entries per 10 minutes per client IP
    ///   password_ip         30 password attempts per 10 minutes per client IP
    ///   quick_code_ip       20 activation codes made or entered per 10 minutes per IP
    ///   unknown_link_ip     30 unknown download ids per 10 minutes per client IP
    /// (unknown API tokens are limited by the SenderAuthenticator).
    bool CheckRate(http::Exchange& ex, std::string_view bucket, std::string_view key);
    /// For limits that count failures only: 0 when `key` still has a token in
    /// `bucket`, else the seconds until it has one (the Retry-After of a 429);
    /// takes nothing and answers nothing.
    std::uint32_t FailureWait(std::string_view bucket, std::string_view key);
    /// Counts one failure against `key` in `bucket`.
    void CountFailure(std::string_view bucket, std::string_view key);
    /// The client's address (X-Forwarded-For only from security.trusted_proxies).
    std::string ClientIp(const http::Exchange& ex) const;

    /// A transfer was deleted (Storage::on_deleted), for whatever reason: the
    /// audit event of that reason, and its notices (revoked: the recipients
    /// who were notified; expired: the sender, with each recipient's final
    /// download status; too many wrong passwords: the administrator and the
    /// sender).
    void TransferDeleted(const store::TransferRecord& before, store::DeletionReason reason,
                         const store::Actor& actor, bool resumed = false);

    /// A file's upload completed (Storage::on_file_complete): audited with
    /// its size, never its name.
    void FileUploaded(const store::FileRecord& file);

    /// Revoke tokens are derived, not stored: BLAKE2b keyed with a key
    /// derived from the server key for revoke links alone, over the transfer id.
    std::string RevokeToken(std::string_view transfer_id) const;
    bool CheckRevokeToken(std::string_view transfer_id, std::string_view token) const;

    /// The recipient-side access grant cookie lifetime (seconds).
    static constexpr std::int64_t kAccessSeconds = 8 * 3600;

private:
    /// The limiter of `bucket` (one of those listed at CheckRate).
    security::RateLimiter& Limiter(std::string_view bucket);
    const Config& config_;
    store::Storage& storage_;
    Outbox& outbox_;
    identity::SenderStore senders_;
    security::CookiePolicy cookies_;
    /// Revoke links are BLAKE2b-160 of the transfer id keyed with this key
    /// (derived from the server key for that purpose alone).
    crypto::SymmetricKey revoke_key_;
    SenderPolicy sender_policy_;
    PasswordPolicy password_policy_;
    Notifications notifications_;
    std::map<std::string, security::RateLimiter, std::less<>> limiters_;
};

/// "en" or "sv" (the notification languages); anything else becomes "en".
std::string NormaliseLanguage(std::string_view language);

} // namespace sealpost::transfer
