#include "mail/Notifications.hxx"

#include "config/Config.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace sealpost {

namespace {

std::string PercentEncode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved)
            out.push_back(static_cast<char>(c));
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

/// A label reference must be plain printable ASCII; anything else is dropped
/// rather than refused, since it only serves the logs.
std::string Reference(std::string_view id) {
    const bool usable = id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
                            return c > 0x20 && c < 0x7f;
                        });
    return usable ? std::string(id) : std::string();
}

/// One file name per line; a name cannot break the list with its own line
/// breaks or control characters.
std::string FileList(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        std::string clean;
        for (char c : name)
            clean.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
        if (!out.empty())
            out += '\n';
        out += "- " + clean;
    }
    return out;
}

std::string Flag(bool value) {
    return value ? "yes" : "";
}

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : "\n") + item;
    return out;
}

} // namespace

std::string FormatNotificationTime(MailTime time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min);
}

Notifications::Notifications(NotificationSettings settings) : settings_(std::move(settings)) {
    std::string& url = settings_.public_url;
    while (url.ends_with('/'))
        url.pop_back();
    if (!url.starts_with("http://") && !url.starts_with("https://"))
        throw std::invalid_argument("the public URL must start with http:// or https://");
}

NotificationSettings Notifications::SettingsFrom(const Config& config) {
    NotificationSettings settings;
    settings.public_url = config.server.public_url;
    settings.from = Mailbox::Parse(config.mail.from);
    settings.admin = Mailbox::Parse(config.mail.admin_address);
    return settings;
}

std::string Notifications::DownloadLink(std::string_view download_id) const {
    return settings_.public_url + "/d/" + PercentEncode(download_id);
}

std::string Notifications::TrackingLink(std::string_view transfer_id) const {
    return settings_.public_url + "/t/" + PercentEncode(transfer_id);
}

std::string Notifications::RevokeLink(std::string_view transfer_id,
                                      std::string_view revoke_token) const {
    return TrackingLink(transfer_id) + "?revoke_token=" + PercentEncode(revoke_token);
}

Notification Notifications::Build(NotificationKind kind, std::string_view language, Mailbox to,
                                  TemplateValues values, std::string_view reference) const {
    const std::string_view chosen = texts_.Language(language);
    values["service"] = settings_.service_name;
    values["public_url"] = settings_.public_url;
    RenderedTexts texts = texts_.Render(chosen, kind, values);
    MailMessage message{
        .from = settings_.from,
        .to = {std::move(to)},
        .subject = std::move(texts.subject),
        .text_body = std::move(texts.text),
        .html_body = std::move(texts.html),
        .extra_headers = {{"Auto-Submitted", "auto-generated"},
                          {"Content-Language", std::string(chosen)}},
    };
    return {std::move(message),
            OutboxLabel{std::string(NotificationKindName(kind)), Reference(reference)}};
}

Notification Notifications::VerificationCode(const VerificationCodeMail& mail) const {
    return Build(NotificationKind::verification_code, mail.language, mail.to,
                 {{"name", mail.to.display_name},
                  {"code", mail.code},
                  {"valid_minutes", std::to_string(mail.valid_for.count())}},
                 {});
}

Notification Notifications::RecipientNotification(const RecipientNotificationMail& mail) const {
    const bool custom_body = mail.custom_body && !mail.custom_body->empty();
    Notification n =
        Build(NotificationKind::recipient_notification, mail.language, mail.to,
              {{"recipient_name", mail.to.display_name},
               {"sender_name", mail.sender.name.empty() ? mail.sender.email : mail.sender.name},
               {"sender_email", mail.sender.email},
               {"sender_phone", mail.sender.phone},
               {"link", DownloadLink(mail.download_id)},
               {"expires", FormatNotificationTime(mail.expires_at)},
               {"custom_body", custom_body ? *mail.custom_body : std::string()},
               {"file_names", mail.show_file_names ? FileList(mail.file_names) : std::string()},
               {"has_message", Flag(mail.has_message)},
               {"password_required", Flag(mail.password_required)}},
              mail.transfer_id);
    if (mail.custom_subject &&
        mail.custom_subject->find_first_not_of(" \t\r\n") != std::string::npos)
        n.message.subject = *mail.custom_subject;
    // Replies reach the sender, not the service's no-reply address.
    try {
        n.message.reply_to = Mailbox::Make(mail.sender.name, mail.sender.email);
    } catch (const std::invalid_argument&) {
    }
    return n;
}

Notification Notifications::SenderConfirmation(const SenderConfirmationMail& mail) const {
    return Build(NotificationKind::sender_confirmation, mail.language, mail.to,
                 {{"name", mail.to.display_name},
                  {"tracking_id", mail.transfer_id},
                  {"tracking_link", TrackingLink(mail.transfer_id)},
                  {"revoke_link", RevokeLink(mail.transfer_id, mail.revoke_token)},
                  {"recipients", Join(mail.recipients)},
                  {"file_count", std::to_string(mail.file_count)},
                  {"has_message", Flag(mail.has_message)},
                  {"expires", FormatNotificationTime(mail.expires_at)}},
                 mail.transfer_id);
}

Notification Notifications::DownloadReceipt(const DownloadReceiptMail& mail) const {
    return Build(NotificationKind::download_receipt, mail.language, mail.to,
                 {{"name", mail.to.display_name},
                  {"tracking_id", mail.transfer_id},
                  {"tracking_link", TrackingLink(mail.transfer_id)},
                  {"recipient", mail.recipient},
                  {"downloaded_at", FormatNotificationTime(mail.downloaded_at)},
                  {"item", mail.item},
                  {"expires", FormatNotificationTime(mail.expires_at)}},
                 mail.transfer_id);
}

Notification Notifications::RevocationNotice(const RevocationNoticeMail& mail) const {
    return Build(NotificationKind::revocation_notice, mail.language, mail.to,
                 {{"sender_name", mail.sender.name.empty() ? mail.sender.email : mail.sender.name},
                  {"sender_email", mail.sender.email},
                  {"revoked_at", FormatNotificationTime(mail.revoked_at)}},
                 mail.transfer_id);
}

Notification Notifications::ExpiryNotice(const ExpiryNoticeMail& mail) const {
    const std::string_view language = texts_.Language(mail.language);
    std::vector<std::string> lines;
    for (const RecipientDownloads& r : mail.recipients)
        lines.push_back(texts_.RenderLine(
            language, "expiry_notice.line",
            {{"recipient", r.email},
             {"downloads", r.downloads > 0 ? std::to_string(r.downloads) : std::string()},
             {"last_download",
              r.last_download_at ? FormatNotificationTime(*r.last_download_at) : std::string()}}));
    return Build(NotificationKind::expiry_notice, language, mail.to,
                 {{"name", mail.to.display_name},
                  {"tracking_id", mail.transfer_id},
                  {"expired_at", FormatNotificationTime(mail.expired_at)},
                  {"download_status", Join(lines)}},
                 mail.transfer_id);
}

std::vector<Notification> Notifications::LockoutNotices(const LockoutNoticeMail& mail) const {
    std::vector<Notification> out;
    for (const bool for_admin : {true, false})
        out.push_back(Build(
            NotificationKind::lockout_notice, for_admin ? settings_.admin_language : mail.language,
            for_admin ? settings_.admin : mail.to,
            {{"for_admin", Flag(for_admin)},
             {"name", for_admin ? settings_.admin.display_name : mail.to.display_name},
             {"tracking_id", mail.transfer_id},
             {"sender_email", mail.to.address.ToString()},
             {"failed_attempts", std::to_string(mail.failed_attempts)},
             {"locked_until", FormatNotificationTime(mail.locked_until)}},
            mail.transfer_id));
    return out;
}

std::vector<Notification> Notifications::DeletionNotices(const DeletionNoticeMail& mail) const {
    std::vector<Notification> out;
    for (const bool for_admin : {true, false})
        out.push_back(Build(
            NotificationKind::deletion_notice, for_admin ? settings_.admin_language : mail.language,
            for_admin ? settings_.admin : mail.to,
            {{"for_admin", Flag(for_admin)},
             {"name", for_admin ? settings_.admin.display_name : mail.to.display_name},
             {"tracking_id", mail.transfer_id},
             {"sender_email", mail.to.address.ToString()},
             {"failed_attempts", std::to_string(mail.failed_attempts)},
             {"deleted_at", FormatNotificationTime(mail.deleted_at)}},
            mail.transfer_id));
    return out;
}

} // namespace sealpost
