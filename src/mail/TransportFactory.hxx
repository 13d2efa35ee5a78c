// Chooses the transport the configuration asks for (mail.transport): the
// spool folder (mail.spool_dir, by default data_dir/mail/: the embedded default) or the SMTP relay.
// The outbox that uses it lives in data_dir/outbox/ (OutboxDirectory()). Called once at start on
// the loop thread; the result is handed to the Outbox.
#pragma once

#include "mail/MessageTransport.hxx"
#include "mail/SmtpTransport.hxx"

#include <filesystem>
#include <memory>

namespace sealpost {

struct Config;

/// Throws std::invalid_argument (bad SMTP URL) or
/// std::filesystem::filesystem_error (spool folder cannot be made).
std::unique_ptr<MessageTransport> CreateMessageTransport(const Config& config,
                                                         SmtpTlsOptions tls = {});

/// data_dir/outbox: the outbox's own LMDB environment.
std::filesystem::path OutboxDirectory(const Config& config);

/// mail.spool_dir, or data_dir/mail when empty: where the spool transport writes
/// .eml files.
std::filesystem::path SpoolDirectory(const Config& config);

} // namespace sealpost
