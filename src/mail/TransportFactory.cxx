#include "mail/TransportFactory.hxx"

#include "config/Config.hxx"
#include "mail/SpoolTransport.hxx"

namespace sealpost {

std::unique_ptr<MessageTransport> CreateMessageTransport(const Config& config, SmtpTlsOptions tls) {
    if (config.mail.transport == MailTransport::kSmtp)
        return std::make_unique<SmtpTransport>(config.mail, std::move(tls));
    return std::make_unique<SpoolTransport>(SpoolDirectory(config));
}

std::filesystem::path OutboxDirectory(const Config& config) {
    return config.server.data_dir / "outbox";
}

std::filesystem::path SpoolDirectory(const Config& config) {
    if (!config.mail.spool_dir.empty())
        return config.mail.spool_dir;
    return config.server.data_dir / "mail";
}

} // namespace sealpost
