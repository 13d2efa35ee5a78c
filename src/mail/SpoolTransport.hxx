// The embedded default transport: every message becomes one file
// `<id>.eml` in the spool folder (mail.spool_dir, by default data_dir/mail/), so
// a newcomer can follow the whole flow with no mail server. The files are
// plaintext (addresses, links, file names when the sender shows them); the
// SpoolCleaner deletes them after mail.spool_retention. The file is written under a temporary name,
// synced and renamed, so a reader never sees half a message; it is readable by
// the service's user only (mode 0600). Names come from the outbox id, never
// from user input, and a retried message overwrites its own file, so a crash
// between writing and leaving the outbox cannot duplicate it.
//
// Owned by the Outbox; Deliver() runs on its sender thread.
#pragma once

#include "mail/MessageTransport.hxx"

#include <filesystem>

namespace sealpost {

class SpoolTransport final : public MessageTransport {
public:
    /// Creates the folder (mode 0700) if needed. Throws std::filesystem_error.
    explicit SpoolTransport(std::filesystem::path dir);

    DeliveryResult Deliver(std::string_view id, const MailEnvelope& envelope,
                           std::string_view message) noexcept override;
    std::string_view Name() const noexcept override { return "spool"; }

    const std::filesystem::path& Dir() const noexcept { return dir_; }

private:
    std::filesystem::path dir_;
};

} // namespace sealpost
