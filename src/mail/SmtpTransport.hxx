// Delivers through an SMTP relay (mail.transport = "smtp"): smtp:// with
// STARTTLS required when mail.smtp_starttls is set, smtps:// with implicit
// TLS, AUTH when mail.smtp_username is set, every wait bounded by
// mail.smtp_timeout. MAIL FROM and RCPT TO come from the envelope, so Bcc
// recipients receive the message without appearing in any header. Refusals are
// mapped to the outbox's retry rules: a 5xx reply to this message is final, a
// 4xx reply is retried, and an unreachable or unusable server holds back the
// whole outbox.
//
// Owned by the Outbox; Deliver() runs on its sender thread and blocks for the
// length of one SMTP session.
#pragma once

#include "lib/curl/SmtpClient.hxx"
#include "mail/MessageTransport.hxx"

namespace sealpost {

struct MailConfig;

/// TLS settings beyond the mail.* keys that exist today; they are meant to
/// become mail.smtp_tls_verify (default true) and mail.smtp_ca_file.
struct SmtpTlsOptions {
    /// Check the relay's certificate and host name (the default). Turning it
    /// off accepts any certificate: for tests only.
    bool verify = true;
    /// PEM file of CA certificates trusted for the relay; empty: the system's.
    std::string ca_file;
};

class SmtpTransport final : public MessageTransport {
public:
    /// Throws std::invalid_argument for a URL that is not smtp:// or smtps://.
    explicit SmtpTransport(const MailConfig& config, SmtpTlsOptions tls = {});

    DeliveryResult Deliver(std::string_view id, const MailEnvelope& envelope,
                           std::string_view message) noexcept override;
    std::string_view Name() const noexcept override { return "smtp"; }

private:
    curl::SmtpClient client_;
};

} // namespace sealpost
