#include "mail/SmtpTransport.hxx"

#include "config/Config.hxx"
#include "log/Log.hxx"

namespace sealpost {

namespace {

curl::SmtpSettings SettingsFrom(const MailConfig& config, SmtpTlsOptions tls) {
    curl::SmtpSettings settings;
    settings.url = config.smtp_url;
    settings.starttls = config.smtp_starttls;
    settings.username = config.smtp_username;
    settings.password = config.smtp_password;
    settings.timeout = config.smtp_timeout;
    settings.verify_tls = tls.verify;
    settings.ca_file = std::move(tls.ca_file);
    return settings;
}

bool UsesTls(const curl::SmtpSettings& settings) {
    return settings.url.starts_with("smtps://") || settings.starttls;
}

} // namespace

SmtpTransport::SmtpTransport(const MailConfig& config, SmtpTlsOptions tls)
    : client_(SettingsFrom(config, std::move(tls))) {
    const curl::SmtpSettings& settings = client_.Settings();
    if (!settings.username.empty() && !UsesTls(settings))
        log::Write(log::Level::warn, "smtp_credentials_without_tls",
                   {{"hint", "use smtps:// or set mail.smtp_starttls = true"}});
    if (!settings.verify_tls)
        log::Write(log::Level::warn, "smtp_certificate_verification_off");
}

DeliveryResult SmtpTransport::Deliver(std::string_view, const MailEnvelope& envelope,
                                      std::string_view message) noexcept {
    const curl::SmtpResult result = client_.Send({envelope.sender, envelope.recipients}, message);
    using Status = DeliveryResult::Status;
    switch (result.failure) {
    case curl::SmtpFailure::none:
        return {Status::sent, {}};
    case curl::SmtpFailure::temporary:
        return {Status::retry, "smtp: " + result.error};
    case curl::SmtpFailure::permanent:
        return {Status::failed, "smtp: " + result.error};
    case curl::SmtpFailure::connection:
    case curl::SmtpFailure::local:
        break;
    }
    return {Status::transport_down, "smtp: " + result.error};
}

} // namespace sealpost
