// Sends one message over SMTP with libcurl's easy interface: one session per
// Send() (connect, optional STARTTLS or implicit TLS, optional AUTH, MAIL FROM,
// RCPT TO for each envelope recipient, DATA), blocking until the server has
// accepted or refused the message. This header does not include libcurl, so
// the mail code speaks C++ only.
//
// An SmtpClient owns a copy of its settings (including the password, which
// never appears in a result or a log line). Send() blocks for up to a few
// timeouts: call it on a worker thread, never on the event loop. One SmtpClient
// may be used by one thread at a time.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::curl {

struct SmtpSettings {
    /// smtp://host[:port] (port 25 by default) or smtps://host[:port] (465).
    std::string url;
    /// For smtp:// URLs: upgrade with STARTTLS and refuse to go on without it.
    bool starttls = true;
    /// AUTH only when username is not empty.
    std::string username;
    std::string password;
    /// Bounds the connection set-up and the wait for each server reply; a
    /// whole session is bounded by four times this.
    std::chrono::milliseconds timeout{30'000};
    /// Check the server's certificate chain and host name. Only tests and
    /// servers with a self-signed certificate that cannot use ca_file turn
    /// this off.
    bool verify_tls = true;
    /// PEM file of trusted CA certificates; empty: the system's trust store.
    std::string ca_file;
};

struct SmtpEnvelope {
    /// Bare addresses (local@domain), already validated; the client adds <…>.
    std::string mail_from;
    std::vector<std::string> rcpt_to;
};

/// Why a session failed, in terms of what the sender should do next.
enum class SmtpFailure {
    none,
    /// The server could not be reached or used (DNS, connect, TLS, timeout,
    /// AUTH refused, connection dropped): nothing was accepted; try again
    /// later, and other messages will likely fail the same way.
    connection,
    /// The server refused this message with a 4xx reply: try again later.
    temporary,
    /// The server refused this message with a 5xx reply: retrying will not help.
    permanent,
    /// A local problem (out of memory, bad URL, unsupported option).
    local,
};

struct SmtpResult {
    SmtpFailure failure = SmtpFailure::none;
    /// The last SMTP reply code seen (250, 451, 550, …); 0 when none.
    long reply_code = 0;
    /// One English line for logs and audit records; never a credential.
    std::string error;

    bool Ok() const noexcept { return failure == SmtpFailure::none; }
};

class SmtpClient {
public:
    /// Initialises libcurl (GlobalInit()). Throws std::invalid_argument for a
    /// URL that is not smtp:// or smtps://, std::runtime_error when libcurl
    /// cannot initialise.
    explicit SmtpClient(SmtpSettings settings);

    /// Transmits `message` (RFC 5322 text with CRLF line endings; libcurl
    /// adds the dot-stuffing and the final "."). Never throws: every failure
    /// is described in the result.
    SmtpResult Send(const SmtpEnvelope& envelope, std::string_view message) noexcept;

    const SmtpSettings& Settings() const noexcept { return settings_; }

private:
    SmtpSettings settings_;
};

} // namespace sealpost::curl
