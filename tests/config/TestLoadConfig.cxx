#include "ConfigProblems.hxx"
#include "config/Config.hxx"
#include "config/ConfigError.hxx"
#include "config/DescribeConfig.hxx"
#include "config/LoadConfig.hxx"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sealpost;
using namespace std::chrono_literals;
using sealpost::test::kReadableFile;

TEST_CASE("The embedded default equals the README's configuration defaults", "[config]") {
    const Config c;
    CHECK(c.server.listen.ToString() == "127.0.0.1:8080");
    CHECK(c.server.public_url == "http://127.0.0.1:8080");
    CHECK(c.server.data_dir == "./data");
    CHECK(c.server.max_connections == 1024);
    CHECK(c.server.header_timeout == 10s);
    CHECK(c.server.idle_timeout == 60s);
    CHECK(c.server.body_timeout == 60s);
    CHECK(c.server.min_body_rate == 1024);
    CHECK(c.server.body_rate_window == 10s);
    CHECK(c.server.shutdown_timeout == 30s);
    CHECK(c.server.static_dir.empty());
    CHECK(c.server.max_header_size == 16 * 1024);
    CHECK(c.server.max_request_body == 1024 * 1024);
    CHECK_FALSE(c.tls.Enabled());
    CHECK(c.policy.internal_domains ==
          std::vector<std::string>{"regionuppsala.se", "akademiska.se"});
    CHECK(c.policy.sender_domain_hints ==
          std::map<std::string, std::string>{{"lul.se", "Use your @regionuppsala.se address."}});
    CHECK(c.policy.max_retention_days == 10);
    CHECK(c.policy.default_retention_days == 10);
    CHECK(c.limits.max_transfer_size == 100ull << 30);
    CHECK(c.limits.min_free_disk == 1ull << 30);
    CHECK(c.verification.cookie_days == 30);
    CHECK(c.password.min_length == 12);
    CHECK(c.password.require_upper);
    CHECK(c.password.require_lower);
    CHECK(c.password.max_sequence == 2);
    CHECK(c.security.lock_after == 3);
    CHECK(c.security.lock_minutes == 60);
    CHECK(c.security.delete_after == 10);
    CHECK(c.security.trusted_proxies.empty());
    CHECK(c.mail.transport == MailTransport::kSpool);
    CHECK(c.mail.spool_dir.empty()); // data_dir/mail
    CHECK(c.mail.spool_retention == 24h);
    CHECK(c.mail.from == "sealpost <noreply@localhost>");
    CHECK(c.mail.admin_address == "admin@localhost");
    CHECK(c.mail.smtp_url == "smtp://127.0.0.1:25");
    CHECK(c.mail.smtp_starttls);
    CHECK(c.mail.smtp_username.empty());
    CHECK(c.mail.smtp_password.empty());
    CHECK(c.mail.smtp_timeout == 30s);
    CHECK(c.audit.retention_days == 365);
    CHECK(c.kdf.opslimit == 2);
    CHECK(c.kdf.memlimit == 64ull << 20);
    CHECK(c.log.level == LogLevel::kInfo);
    CHECK(c.log.format == LogFormat::kText);
    // /metrics: loopback only by default.
    REQUIRE(c.metrics.allow.size() == 2);
    CHECK(c.metrics.allow[0] == ParseIpNetwork("127.0.0.0/8"));
    CHECK(c.metrics.allow[1] == ParseIpNetwork("::1/128"));
    CHECK(c.metrics.allow[0].Contains("127.0.0.53"));
    CHECK_FALSE(c.metrics.allow[0].Contains("10.0.0.1"));

    CHECK(LoadConfigFromString("") == Config{});
}

TEST_CASE("The documented example file loads and equals the defaults", "[config]") {
    CHECK(LoadConfig(SEALPOST_EXAMPLE_CONFIG) == Config{});
}

TEST_CASE("A full file sets every key", "[config]") {
    const std::string text = R"(
[server]
listen = "[::1]:8443"
public_url = "https://files.example.org/sealpost/"
data_dir = "/var/lib/sealpost"
max_connections = 4096
header_timeout = "5s"
idle_timeout = "2m"
body_timeout = 45
min_body_rate = "4KiB"
body_rate_window = "30s"
shutdown_timeout = "1m"
static_dir = "/"
max_header_size = "32KiB"
max_request_body = 2097152

[tls]
cert = ")" + kReadableFile + R"("
key = ")" + kReadableFile + R"("

[policy]
internal_domains = ["Example.ORG", "example.net", "example.org"]
sender_domain_hints = { "old.example.org" = "Use your @example.org address.", "x.se" = "No." }
max_retention_days = 30
default_retention_days = 7

[limits]
max_transfer_size = "2TB"
min_free_disk = "10GiB"

[verification]
cookie_days = 14

[password]
min_length = 16
require_upper = false
require_lower = false
max_sequence = 3

[security]
lock_after = 5
lock_minutes = 15
delete_after = 20
trusted_proxies = ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]

[mail]
transport = "smtp"
spool_dir = "/var/spool/sealpost"
spool_retention = "0s"
from = "Secure Files <noreply@example.org>"
admin_address = "ops@example.org"
smtp_url = "smtps://mail.example.org:465"
smtp_starttls = false
smtp_username = "sealpost"
smtp_password = "s3cret"
smtp_timeout = "1m"

[audit]
retention_days = 730

[kdf]
opslimit = 3
memlimit = "256MiB"

[metrics]
allow = ["10.20.0.0/16", "2001:db8::/32"]

[log]
level = "debug"
format = "json"
)";
    const Config c = LoadConfigFromString(text);
    CHECK(c.server.listen == ListenAddress{"::1", 8443});
    CHECK(c.server.public_url == "https://files.example.org/sealpost");
    CHECK(c.server.data_dir == "/var/lib/sealpost");
    CHECK(c.server.max_connections == 4096);
    CHECK(c.server.header_timeout == 5s);
    CHECK(c.server.idle_timeout == 2min);
    CHECK(c.server.body_timeout == 45s);
    CHECK(c.server.min_body_rate == 4096);
    CHECK(c.server.body_rate_window == 30s);
    CHECK(c.server.shutdown_timeout == 1min);
    CHECK(c.server.static_dir == "/");
    CHECK(c.server.max_header_size == 32 * 1024);
    CHECK(c.server.max_request_body == 2 * 1024 * 1024);
    CHECK(c.tls.Enabled());
    CHECK(c.tls.cert == kReadableFile);
    CHECK(c.policy.internal_domains == std::vector<std::string>{"example.org", "example.net"});
    CHECK(c.policy.sender_domain_hints.at("old.example.org") == "Use your @example.org address.");
    CHECK(c.policy.sender_domain_hints.size() == 2);
    CHECK(c.policy.max_retention_days == 30);
    CHECK(c.policy.default_retention_days == 7);
    CHECK(c.limits.max_transfer_size == 2'000'000'000'000);
    CHECK(c.limits.min_free_disk == 10ull << 30);
    CHECK(c.verification.cookie_days == 14);
    CHECK(c.password.min_length == 16);
    CHECK_FALSE(c.password.require_upper);
    CHECK_FALSE(c.password.require_lower);
    CHECK(c.password.max_sequence == 3);
    CHECK(c.security.lock_after == 5);
    CHECK(c.security.lock_minutes == 15);
    CHECK(c.security.delete_after == 20);
    REQUIRE(c.security.trusted_proxies.size() == 3);
    CHECK(c.security.trusted_proxies[1].Contains("10.9.8.7"));
    REQUIRE(c.metrics.allow.size() == 2);
    CHECK(c.metrics.allow[0].Contains("10.20.3.4"));
    CHECK_FALSE(c.metrics.allow[0].Contains("127.0.0.1"));
    CHECK(c.metrics.allow[1].Contains("2001:db8::5"));
    CHECK(LoadConfigFromString("[metrics]\nallow = []").metrics.allow.empty());
    CHECK(c.mail.transport == MailTransport::kSmtp);
    CHECK(c.mail.spool_dir == "/var/spool/sealpost");
    CHECK(c.mail.spool_retention == 0s);
    CHECK(c.mail.from == "Secure Files <noreply@example.org>");
    CHECK(c.mail.admin_address == "ops@example.org");
    CHECK(c.mail.smtp_url == "smtps://mail.example.org:465");
    CHECK_FALSE(c.mail.smtp_starttls);
    CHECK(c.mail.smtp_username == "sealpost");
    CHECK(c.mail.smtp_password == "s3cret");
    CHECK(c.mail.smtp_timeout == 1min);
    CHECK(c.audit.retention_days == 730);
    CHECK(c.kdf.opslimit == 3);
    CHECK(c.kdf.memlimit == 256ull << 20);
    CHECK(c.log.level == LogLevel::kDebug);
    CHECK(c.log.format == LogFormat::kJson);

    SECTION("DescribeConfig round-trips, with the SMTP password redacted") {
        const std::string described = DescribeConfig(c);
        CHECK(described.find("s3cret") == std::string::npos);
        CHECK(described.find("smtp_password = \"(redacted)\"") != std::string::npos);
        CHECK(described.find("listen = \"[::1]:8443\"") != std::string::npos);
        CHECK(described.find("max_transfer_size = \"2TB\"") != std::string::npos);
        CHECK(described.find("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"fd00::/8\"]") !=
              std::string::npos);
        Config reloaded = LoadConfigFromString(described);
        CHECK(reloaded.mail.smtp_password == "(redacted)");
        reloaded.mail.smtp_password = c.mail.smtp_password;
        CHECK(reloaded == c);
    }
}

TEST_CASE("DescribeConfig of the defaults loads back to the defaults", "[config]") {
    const std::string described = DescribeConfig(Config{});
    CHECK(described.find("[server]\nlisten = \"127.0.0.1:8080\"\n") != std::string::npos);
    CHECK(described.find("smtp_password = \"\"") != std::string::npos);
    CHECK(described.find(
              "sender_domain_hints = { \"lul.se\" = \"Use your @regionuppsala.se address.\" }") !=
          std::string::npos);
    CHECK(LoadConfigFromString(described) == Config{});
}
