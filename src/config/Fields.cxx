#include "Fields.hxx"
#include "Codecs.hxx"
#include "ValueSyntax.hxx"

namespace sealpost {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = kKiB * 1024;
constexpr std::uint64_t kGiB = kMiB * 1024;
constexpr std::uint64_t kTiB = kGiB * 1024;

constexpr char kExpectHttpUrl[] = "a URL such as \"https://sealpost.example.org\"";
constexpr char kExpectMailbox[] = "an address such as \"sealpost <noreply@example.org>\"";
constexpr char kExpectMailAddress[] = "an e-mail address such as \"admin@example.org\"";
constexpr char kExpectSmtpUrl[] = "a URL such as \"smtp://127.0.0.1:25\"";

using HttpUrlCodec = CheckedStringCodec<ParseHttpUrl, kExpectHttpUrl>;
using MailboxCodec = CheckedStringCodec<ParseMailbox, kExpectMailbox>;
using MailAddressCodec = CheckedStringCodec<ParseMailAddress, kExpectMailAddress>;
using SmtpUrlCodec = CheckedStringCodec<ParseSmtpUrl, kExpectSmtpUrl>;
using DaysCodec = IntCodec<1, 36500>;

template <auto kSection, auto kMember, typename Codec>
Field Bind(std::string_view section, std::string_view key, bool secret = false) {
    return Field{
        section,
        key,
        [](const toml::node& node, Config& config, KeyProblems& problems) {
            Codec::Read(node, config.*kSection.*kMember, problems);
        },
        [](const Config& config) { return Codec::Format(config.*kSection.*kMember); },
        secret,
    };
}

// libsodium's crypto_pwhash limits for Argon2id on 64-bit systems.
constexpr std::uint64_t kOpsLimitMax = 4294967295;
constexpr std::uint64_t kMemLimitMin = 8 * kKiB;
constexpr std::uint64_t kMemLimitMax = 4 * kTiB - kKiB;

const Field kFields[] = {
    Bind<&Config::server, &ServerConfig::listen, ListenCodec>("server", "listen"),
    Bind<&Config::server, &ServerConfig::public_url, HttpUrlCodec>("server", "public_url"),
    Bind<&Config::server, &ServerConfig::data_dir, PathCodec<true>>("server", "data_dir"),
    Bind<&Config::server, &ServerConfig::max_connections, IntCodec<1, 1000000>>("server",
                                                                                "max_connections"),
    Bind<&Config::server, &ServerConfig::header_timeout, DurationCodec<100>>("server",
                                                                             "header_timeout"),
    Bind<&Config::server, &ServerConfig::idle_timeout, DurationCodec<100>>("server",
                                                                           "idle_timeout"),
    Bind<&Config::server, &ServerConfig::body_timeout, DurationCodec<100>>("server",
                                                                           "body_timeout"),
    Bind<&Config::server, &ServerConfig::min_body_rate, SizeCodec<0, kMiB>>("server",
                                                                            "min_body_rate"),
    Bind<&Config::server, &ServerConfig::body_rate_window, DurationCodec<1000>>("server",
                                                                                "body_rate_window"),
    Bind<&Config::server, &ServerConfig::shutdown_timeout, DurationCodec<0>>("server",
                                                                             "shutdown_timeout"),
    Bind<&Config::server, &ServerConfig::static_dir, PathCodec<false>>("server", "static_dir"),
    Bind<&Config::server, &ServerConfig::max_header_size, SizeCodec<kKiB, kMiB>>("server",
                                                                                 "max_header_size"),
    Bind<&Config::server, &ServerConfig::max_request_body, SizeCodec<kKiB, kGiB>>(
        "server", "max_request_body"),

    Bind<&Config::tls, &TlsConfig::cert, PathCodec<false>>("tls", "cert"),
    Bind<&Config::tls, &TlsConfig::key, PathCodec<false>>("tls", "key"),

    Bind<&Config::policy, &PolicyConfig::internal_domains, DomainListCodec>("policy",
                                                                            "internal_domains"),
    Bind<&Config::policy, &PolicyConfig::sender_domain_hints, DomainHintsCodec>(
        "policy", "sender_domain_hints"),
    Bind<&Config::policy, &PolicyConfig::max_retention_days, IntCodec<1, 365>>(
        "policy", "max_retention_days"),
    Bind<&Config::policy, &PolicyConfig::default_retention_days, IntCodec<1, 365>>(
        "policy", "default_retention_days"),

    Bind<&Config::limits, &LimitsConfig::max_transfer_size, SizeCodec<1>>("limits",
                                                                          "max_transfer_size"),
    Bind<&Config::limits, &LimitsConfig::min_free_disk, SizeCodec<0>>("limits", "min_free_disk"),
    Bind<&Config::limits, &LimitsConfig::upload_memory, SizeCodec<(1u << 20), (4ull << 30)>>(
        "limits", "upload_memory"),

    Bind<&Config::verification, &VerificationConfig::cookie_days, IntCodec<1, 3650>>("verification",
                                                                                     "cookie_days"),

    Bind<&Config::password, &PasswordConfig::min_length, IntCodec<1, 1024>>("password",
                                                                            "min_length"),
    Bind<&Config::password, &PasswordConfig::require_upper, BoolCodec>("password", "require_upper"),
    Bind<&Config::password, &PasswordConfig::require_lower, BoolCodec>("password", "require_lower"),
    Bind<&Config::password, &PasswordConfig::max_sequence, IntCodec<1, 1024>>("password",
                                                                              "max_sequence"),

    Bind<&Config::security, &SecurityConfig::lock_after, IntCodec<1, 1000>>("security",
                                                                            "lock_after"),
    Bind<&Config::security, &SecurityConfig::lock_minutes, IntCodec<1, 525600>>("security",
                                                                                "lock_minutes"),
    Bind<&Config::security, &SecurityConfig::delete_after, IntCodec<1, 1000000>>("security",
                                                                                 "delete_after"),
    Bind<&Config::security, &SecurityConfig::trusted_proxies, NetworkListCodec>("security",
                                                                                "trusted_proxies"),

    Bind<&Config::mail, &MailConfig::transport, EnumCodec<MailTransport>>("mail", "transport"),
    Bind<&Config::mail, &MailConfig::spool_dir, PathCodec<false>>("mail", "spool_dir"),
    Bind<&Config::mail, &MailConfig::spool_retention, DurationCodec<0>>("mail", "spool_retention"),
    Bind<&Config::mail, &MailConfig::from, MailboxCodec>("mail", "from"),
    Bind<&Config::mail, &MailConfig::admin_address, MailAddressCodec>("mail", "admin_address"),
    Bind<&Config::mail, &MailConfig::smtp_url, SmtpUrlCodec>("mail", "smtp_url"),
    Bind<&Config::mail, &MailConfig::smtp_starttls, BoolCodec>("mail", "smtp_starttls"),
    Bind<&Config::mail, &MailConfig::smtp_username, TextCodec>("mail", "smtp_username"),
    Bind<&Config::mail, &MailConfig::smtp_password, TextCodec>("mail", "smtp_password", true),
    Bind<&Config::mail, &MailConfig::smtp_timeout, DurationCodec<kSecond>>("mail", "smtp_timeout"),
    Bind<&Config::mail, &MailConfig::retry_first_delay, DurationCodec<kSecond>>(
        "mail", "retry_first_delay"),

    Bind<&Config::audit, &AuditConfig::retention_days, DaysCodec>("audit", "retention_days"),

    Bind<&Config::quick, &QuickConfig::enabled, BoolCodec>("quick", "enabled"),

    Bind<&Config::kdf, &KdfConfig::opslimit, IntCodec<1, kOpsLimitMax>>("kdf", "opslimit"),
    Bind<&Config::kdf, &KdfConfig::memlimit, SizeCodec<kMemLimitMin, kMemLimitMax>>("kdf",
                                                                                    "memlimit"),

    Bind<&Config::metrics, &MetricsConfig::allow, NetworkListCodec>("metrics", "allow"),

    Bind<&Config::log, &LogConfig::level, EnumCodec<LogLevel>>("log", "level"),
    Bind<&Config::log, &LogConfig::format, EnumCodec<LogFormat>>("log", "format"),
};

constexpr std::string_view kSections[] = {"server",       "tls",      "policy",   "limits",
                                          "verification", "password", "security", "mail",
                                          "audit",        "quick",    "kdf",      "metrics",
                                          "log"};

} // namespace

std::string Field::DottedName() const {
    return std::string(section) + "." + std::string(key);
}

std::span<const Field> AllFields() noexcept {
    return kFields;
}

std::span<const std::string_view> AllSections() noexcept {
    return kSections;
}

} // namespace sealpost
