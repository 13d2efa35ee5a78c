// The validated configuration of a sealpost server: every key of the TOML file
// (the README's Configuration plus the server, limits, tls, log and mail keys), already parsed
// into typed values. A default-constructed Config is the embedded default that
// `sealpost serve` runs with when no --config is given: HTTP on 127.0.0.1:8080, data in
// ./data, mail written to the spool folder.
//
// LoadConfig() (LoadConfig.hxx) builds one at start; afterwards the server owns it and
// treats it as read-only, so any thread may read it without locking.
#pragma once

#include "IpNetwork.hxx"
#include "ListenAddress.hxx"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sealpost {

struct ServerConfig {
    ListenAddress listen{"127.0.0.1", 8080};
    /// Base of every link in e-mails, without a trailing slash.
    std::string public_url = "http://127.0.0.1:8080";
    std::filesystem::path data_dir = "./data";
    std::uint64_t max_connections = 1024;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
    /// Longest pause between body bytes while a request body is arriving.
    std::chrono::milliseconds body_timeout{60'000};
    /// Slowest request body in bytes per second, averaged over body_rate_window
    /// (0: no minimum).
    std::uint64_t min_body_rate = 1024;
    std::chrono::milliseconds body_rate_window{10'000};
    std::chrono::milliseconds shutdown_timeout{30'000};
    /// Empty: serve the embedded web UI; otherwise serve this directory (development).
    std::filesystem::path static_dir;
    std::uint64_t max_header_size = 16 * 1024;
    /// JSON/API request bodies; uploads are bounded by limits.max_transfer_size.
    std::uint64_t max_request_body = 1024 * 1024;

    bool operator==(const ServerConfig&) const = default;
};

/// Both empty: plain HTTP. Both set: HTTPS on server.listen.
struct TlsConfig {
    std::filesystem::path cert;
    std::filesystem::path key;

    bool Enabled() const noexcept { return !cert.empty(); }
    bool operator==(const TlsConfig&) const = default;
};

struct PolicyConfig {
    /// Lower-case domains whose addresses are internal (exact match).
    std::vector<std::string> internal_domains{"regionuppsala.se", "akademiska.se"};
    /// Lower-case domain -> message shown when it is used as a sender address.
    std::map<std::string, std::string> sender_domain_hints{
        {"lul.se", "Use your @regionuppsala.se address."}};
    std::uint64_t max_retention_days = 10;
    std::uint64_t default_retention_days = 10;

    bool operator==(const PolicyConfig&) const = default;
};

struct LimitsConfig {
    std::uint64_t max_transfer_size = std::uint64_t{100} << 30;
    /// Uploads are refused while less than this is free on the data_dir filesystem.
    std::uint64_t min_free_disk = std::uint64_t{1} << 30;
    /// Memory for request bodies of all uploads together (1 MiB segment
    /// buffers, at least two); uploads beyond it wait with their sockets
    /// unread.
    std::uint64_t upload_memory = std::uint64_t{24} << 20;

    bool operator==(const LimitsConfig&) const = default;
};

struct VerificationConfig {
    std::uint64_t cookie_days = 30;

    bool operator==(const VerificationConfig&) const = default;
};

struct PasswordConfig {
    std::uint64_t min_length = 12;
    bool require_upper = true;
    bool require_lower = true;
    /// Longest allowed run of sequential or repeated characters (abc = 3 is refused).
    std::uint64_t max_sequence = 2;

    bool operator==(const PasswordConfig&) const = default;
};

struct SecurityConfig {
    std::uint64_t lock_after = 3;
    std::uint64_t lock_minutes = 60;
    std::uint64_t delete_after = 10;
    /// Peers whose X-Forwarded-For is believed.
    std::vector<IpNetwork> trusted_proxies;

    bool operator==(const SecurityConfig&) const = default;
};

enum class MailTransport { kSpool, kSmtp };

struct MailConfig {
    /// kSpool writes one .eml per message to spool_dir.
    MailTransport transport = MailTransport::kSpool;
    /// Where the spool transport writes; empty: data_dir/mail.
    std::filesystem::path spool_dir;
    /// Spooled messages older than this are deleted (at start and by a timer);
    /// zero keeps them.
    std::chrono::milliseconds spool_retention{24 * 3'600'000};
    std::string from = "sealpost <noreply@localhost>";
    std::string admin_address = "admin@localhost";
    /// smtp://host[:port] (STARTTLS if smtp_starttls) or smtps://host[:port] (implicit TLS).
    std::string smtp_url = "smtp://127.0.0.1:25";
    bool smtp_starttls = true;
    std::string smtp_username;
    std::string smtp_password;
    std::chrono::milliseconds smtp_timeout{30'000};
    /// First wait before a failed delivery is tried again; it doubles after
    /// every failure up to an hour, and a message is given up after 3 days.
    std::chrono::milliseconds retry_first_delay{30'000};

    bool operator==(const MailConfig&) const = default;
};

struct AuditConfig {
    std::uint64_t retention_days = 365;

    bool operator==(const AuditConfig&) const = default;
};

/// QUICK password-less connections (see the README's QUICK section).
struct QuickConfig {
    bool enabled = true;

    bool operator==(const QuickConfig&) const = default;
};

/// Argon2id cost (crypto_pwhash).
struct KdfConfig {
    std::uint64_t opslimit = 2;
    std::uint64_t memlimit = std::uint64_t{64} << 20;

    bool operator==(const KdfConfig&) const = default;
};

struct MetricsConfig {
    /// Clients (as security.trusted_proxies resolves them) that may read
    /// /metrics; anyone else gets 403. Default: loopback.
    std::vector<IpNetwork> allow = {
        IpNetwork{{127}, false, 8},
        IpNetwork{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, true, 128},
    };

    bool operator==(const MetricsConfig&) const = default;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

struct LogConfig {
    LogLevel level = LogLevel::kInfo;
    LogFormat format = LogFormat::kText;

    bool operator==(const LogConfig&) const = default;
};

struct Config {
    ServerConfig server;
    TlsConfig tls;
    PolicyConfig policy;
    LimitsConfig limits;
    VerificationConfig verification;
    PasswordConfig password;
    SecurityConfig security;
    MailConfig mail;
    AuditConfig audit;
    QuickConfig quick;
    KdfConfig kdf;
    MetricsConfig metrics;
    LogConfig log;

    bool operator==(const Config&) const = default;
};

} // namespace sealpost
