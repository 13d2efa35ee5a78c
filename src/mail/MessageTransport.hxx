// The way a rendered message leaves sealpost: written to the spool folder
// (SpoolTransport) or handed to an SMTP relay (SmtpTransport). The Outbox owns
// one transport and calls Deliver() on its sender thread, one message at a
// time, so an implementation needs no locking of its own; Deliver() may block
// (disk, network) and must never be called on the event loop thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

struct MailEnvelope {
    /// MAIL FROM: the bare address of the sender.
    std::string sender;
    /// RCPT TO: every To, Cc and Bcc address, each once.
    std::vector<std::string> recipients;
};

struct DeliveryResult {
    enum class Status {
        /// The transport accepted the message; it may leave the outbox.
        sent,
        /// Refused for now: try this message again later.
        retry,
        /// The transport itself is unusable for now (server down, TLS or
        /// login failure): try again later, and hold back the other messages.
        transport_down,
        /// Refused for good: retrying cannot help.
        failed,
    };

    Status status = Status::sent;
    /// One English line for logs and the audit record; never a credential,
    /// subject or body.
    std::string error;
};

class MessageTransport {
public:
    virtual ~MessageTransport() = default;

    /// Hands over one message. `id` is the outbox id (letters and digits
    /// only), the same on every retry of a message. Never throws.
    virtual DeliveryResult Deliver(std::string_view id, const MailEnvelope& envelope,
                                   std::string_view message) noexcept = 0;

    /// "spool" or "smtp", for logs.
    virtual std::string_view Name() const noexcept = 0;
};

} // namespace sealpost
