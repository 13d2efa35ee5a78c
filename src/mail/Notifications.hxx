// Builds every e-mail sealpost sends, as a MailMessage ready for the Outbox,
// from a plain struct of values and a language ("en" or "sv"; anything else
// falls back to English): the verification code, the recipient notification
// with its personal /d/{download_id} link, the sender's confirmation with the
// revoke link, download receipts, revocation and expiry notices, and the
// lockout and deletion notices to the administrator and the sender. Links are
// built from server.public_url. No struct has a password field: the service
// never mails a password, and the recipient notification says it comes
// separately by SMS or phone. Every value may be hostile user text; header
// values are encoded by MailMessage, HTML values escaped by MailTemplate.
//
// Immutable after construction (which loads and checks the templates): any
// thread may build messages concurrently.
#pragma once

#include "mail/MailMessage.hxx"
#include "mail/NotificationTexts.hxx"
#include "mail/Outbox.hxx"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sealpost {

struct Config;

using MailTime = std::chrono::system_clock::time_point;
inline MailTime ToMailTime(std::int64_t unix_seconds) {
    return MailTime{std::chrono::seconds(unix_seconds)};
}

struct NotificationSettings {
    /// Base of every link, without a trailing slash (server.public_url).
    std::string public_url = "http://127.0.0.1:8080";
    /// The From of every notification (mail.from).
    Mailbox from = Mailbox::Make("sealpost", "noreply@localhost");
    /// Receives lockout and deletion notices (mail.admin_address).
    Mailbox admin = Mailbox::Make("", "admin@localhost");
    /// Language of the administrator's notices.
    std::string admin_language = "en";
    /// The service's name in texts.
    std::string service_name = "sealpost";
};

/// A message and the label the Outbox logs and reports it under.
struct Notification {
    MailMessage message;
    OutboxLabel label;
};

struct SenderIdentity {
    std::string name;
    std::string email;
    std::string phone;
};

struct VerificationCodeMail {
    std::string language;
    Mailbox to;
    std::string code;
    std::chrono::minutes valid_for{15};
};

struct RecipientNotificationMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    /// The recipient's personal id: the link is public_url/d/{download_id}.
    std::string download_id;
    SenderIdentity sender;
    MailTime expires_at;
    /// Listed only when show_file_names is set (the sender's choice).
    std::vector<std::string> file_names;
    bool show_file_names = false;
    bool has_message = false;
    /// False when the recipient's browser opens it with QUICK.
    bool password_required = true;
    /// The sender's own subject and text; they replace the template's
    /// subject and greeting, while the sender's details, the link, the
    /// expiry and the password line are always added. The caller has checked
    /// that they do not contain the password.
    std::optional<std::string> custom_subject;
    std::optional<std::string> custom_body;
};

struct SenderConfirmationMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    /// Lets the confirmation's link revoke without the sender's cookie.
    std::string revoke_token;
    std::vector<std::string> recipients;
    std::size_t file_count = 0;
    bool has_message = false;
    MailTime expires_at;
};

struct DownloadReceiptMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    std::string recipient;
    MailTime downloaded_at;
    /// The file name, only when the sender allowed file names; else empty.
    std::string item;
    MailTime expires_at;
};

struct RevocationNoticeMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    SenderIdentity sender;
    MailTime revoked_at;
};

struct RecipientDownloads {
    std::string email;
    std::uint64_t downloads = 0;
    std::optional<MailTime> last_download_at;
};

struct ExpiryNoticeMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    MailTime expired_at;
    std::vector<RecipientDownloads> recipients;
};

/// For LockoutNotices and DeletionNotices: `to` is the sender; the
/// administrator's copy goes to NotificationSettings::admin.
struct LockoutNoticeMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    std::uint64_t failed_attempts = 0;
    MailTime locked_until;
};

struct DeletionNoticeMail {
    std::string language;
    Mailbox to;
    std::string transfer_id;
    std::uint64_t failed_attempts = 0;
    MailTime deleted_at;
};

class Notifications {
public:
    /// Throws std::invalid_argument when an embedded template is broken or
    /// public_url is not http(s)://.
    explicit Notifications(NotificationSettings settings);

    /// Settings from server.public_url, mail.from and mail.admin_address.
    /// Throws std::invalid_argument for an unusable address.
    static NotificationSettings SettingsFrom(const Config& config);

    Notification VerificationCode(const VerificationCodeMail& mail) const;
    Notification RecipientNotification(const RecipientNotificationMail& mail) const;
    Notification SenderConfirmation(const SenderConfirmationMail& mail) const;
    Notification DownloadReceipt(const DownloadReceiptMail& mail) const;
    Notification RevocationNotice(const RevocationNoticeMail& mail) const;
    Notification ExpiryNotice(const ExpiryNoticeMail& mail) const;
    /// The administrator's notice, then the sender's.
    std::vector<Notification> LockoutNotices(const LockoutNoticeMail& mail) const;
    std::vector<Notification> DeletionNotices(const DeletionNoticeMail& mail) const;

    /// public_url/d/{download_id}, public_url/t/{transfer_id}, and the latter
    /// with ?revoke_token=…; ids are percent-encoded.
    std::string DownloadLink(std::string_view download_id) const;
    std::string TrackingLink(std::string_view transfer_id) const;
    std::string RevokeLink(std::string_view transfer_id, std::string_view revoke_token) const;

    const NotificationTexts& Texts() const noexcept { return texts_; }

private:
    Notification Build(NotificationKind kind, std::string_view language, Mailbox to,
                       TemplateValues values, std::string_view reference) const;

    NotificationSettings settings_;
    NotificationTexts texts_;
};

/// "2026-11-26 13:15 UTC": how notification texts show a time, in every language.
std::string FormatNotificationTime(MailTime time);

} // namespace sealpost
