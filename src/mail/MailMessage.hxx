// A notification e-mail and its rendering as a complete RFC 5322 / MIME
// message: CRLF line endings, UTF-8 bodies in quoted-printable, text/plain
// alone or text/plain + text/html as multipart/alternative. Every header value
// taken from users is encoded by HeaderEncoding.hxx, so none can add a header.
// Bcc recipients are never written into the message; they only appear in
// EnvelopeRecipients() for the transport's RCPT TO. A value type, filled in
// and rendered by one thread at a time.
#pragma once

#include "mail/Mailbox.hxx"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

struct MailHeader {
    std::string name;
    std::string value;
};

struct MailMessage {
    Mailbox from;
    std::vector<Mailbox> to;
    std::vector<Mailbox> cc;
    std::vector<Mailbox> bcc;
    std::optional<Mailbox> reply_to;
    std::string subject;
    std::string text_body;
    std::optional<std::string> html_body;
    /// Further fields such as {"Auto-Submitted", "auto-generated"}. Names
    /// that the message writes itself (From, To, Subject, Content-Type, …)
    /// and Bcc are refused.
    std::vector<MailHeader> extra_headers;
    /// When unset, Render uses the current time.
    std::optional<std::chrono::system_clock::time_point> date;
    /// "<id@domain>"; when empty, Render writes a fresh NewMessageId().
    std::string message_id;
    /// Domain for generated ids; when empty, the domain of `from`.
    std::string message_id_domain;

    /// The whole message, ready for the SMTP DATA phase (before dot-stuffing)
    /// or a spool file. Throws std::invalid_argument when there is no
    /// recipient, an extra header is not acceptable, or message_id or
    /// message_id_domain is malformed. Each call draws a new MIME boundary.
    std::string Render() const;

    /// To, Cc and Bcc addresses, each mailbox once (case-insensitive).
    std::vector<std::string> EnvelopeRecipients() const;

    /// "<32 hex digits from the CSPRNG@domain>". Throws std::invalid_argument
    /// for a malformed domain.
    static std::string NewMessageId(std::string_view domain);
};

} // namespace sealpost
