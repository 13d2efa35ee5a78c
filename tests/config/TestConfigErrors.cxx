#include "ConfigProblems.hxx"
#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sealpost;
using namespace sealpost::test;

TEST_CASE("Unknown keys and sections are named, with a suggestion when close", "[config]") {
    CHECK(ProblemOf("[server]\nlisten_adress = \"127.0.0.1:80\"") ==
          "server.listen_adress: unknown key (did you mean \"server.listen\"?)");
    CHECK(ProblemOf("[server]\nmax_conections = 5") ==
          "server.max_conections: unknown key (did you mean \"server.max_connections\"?)");
    CHECK(ProblemOf("[server]\nmax_transfer_size = \"1GiB\"") ==
          "server.max_transfer_size: unknown key (did you mean \"limits.max_transfer_size\"?)");
    CHECK(ProblemOf("[kdf]\nwhatever = 1") ==
          "kdf.whatever: unknown key (keys of [kdf]: opslimit, memlimit)");
    CHECK(ProblemOf("[sever]\nlisten = \"127.0.0.1:80\"") ==
          "sever: unknown section (did you mean [server]?)");
    CHECK(ProblemOf("[frobnicate]\nx = 1")
              .starts_with("frobnicate: unknown section (sections: server, tls, policy,"));
    CHECK(ProblemOf("listen = \"127.0.0.1:80\"") ==
          "listen: unknown key (did you mean \"server.listen\"?)");
    CHECK(ProblemOf("colour = 1") ==
          "colour: unknown key; keys belong in a section such as [server]");
    CHECK(ProblemOf("server = 1") == "server: expected a table [server], got integer");
}

TEST_CASE("Wrong types are named with the expected form", "[config]") {
    CHECK(ProblemOf("[limits]\nmax_transfer_size = true") ==
          "limits.max_transfer_size: expected a size such as \"100GiB\", got boolean");
    CHECK(ProblemOf("[server]\nlisten = 8080") ==
          "server.listen: expected HOST:PORT such as \"127.0.0.1:8080\", got integer");
    CHECK(ProblemOf("[server]\nidle_timeout = 1.5") ==
          "server.idle_timeout: expected a duration such as \"10s\", got float");
    CHECK(ProblemOf("[mail]\nspool_retention = \"soon\"")
              .starts_with("mail.spool_retention: expected a duration such as \"10s\""));
    CHECK(ProblemOf("[mail]\nspool_dir = 1") == "mail.spool_dir: expected a string, got integer");
    CHECK(ProblemOf("[password]\nrequire_upper = \"yes\"") ==
          "password.require_upper: expected true or false, got string");
    CHECK(ProblemOf("[password]\nmin_length = \"12\"") ==
          "password.min_length: expected an integer in 1..1024, got string");
    CHECK(ProblemOf("[policy]\ninternal_domains = \"example.org\"") ==
          "policy.internal_domains: expected an array of domain names, got string");
    CHECK(ProblemOf("[policy]\ninternal_domains = [\"example.org\", 5]") ==
          "policy.internal_domains[1]: expected a domain name, got integer");
    CHECK(ProblemOf("[policy]\nsender_domain_hints = [\"lul.se\"]") ==
          "policy.sender_domain_hints: expected a table of domain = \"message\", got array");
    CHECK(ProblemOf("[policy]\nsender_domain_hints = { \"lul.se\" = 1 }") ==
          "policy.sender_domain_hints.\"lul.se\": expected a message string, got integer");
    CHECK(ProblemOf("[log]\nlevel = 3") ==
          "log.level: expected one of \"debug\", \"info\", \"warn\", \"error\", got integer");
}

TEST_CASE("Bad values are named with what is wrong", "[config]") {
    CHECK(ProblemOf("[limits]\nmax_transfer_size = \"100GB!\"") ==
          "limits.max_transfer_size: expected a size such as \"100GiB\", \"64MiB\" or \"1GB\", "
          "got \"100GB!\"");
    CHECK(ProblemOf("[limits]\nmax_transfer_size = \"100 gigs\"") ==
          "limits.max_transfer_size: unknown size unit \"gigs\" in \"100 gigs\" (use B, KiB, MiB, "
          "GiB, TiB, KB, MB, GB or TB)");
    CHECK(ProblemOf("[limits]\nmax_transfer_size = 0") ==
          "limits.max_transfer_size: must be at least 1B, got 0B");
    CHECK(ProblemOf("[limits]\nmin_free_disk = -1") ==
          "limits.min_free_disk: expected a size such as \"100GiB\", got -1");
    CHECK(ProblemOf("[server]\nheader_timeout = \"10 seconds\"") ==
          "server.header_timeout: unknown duration unit \"seconds\" in \"10 seconds\" (use ms, s, "
          "m, h or d)");
    CHECK(ProblemOf("[server]\nheader_timeout = \"10ms\"") ==
          "server.header_timeout: must be at least 100ms, got 10ms");
    CHECK(ProblemOf("[server]\nlisten = \"8080\"") ==
          "server.listen: expected HOST:PORT, got \"8080\"");
    CHECK(ProblemOf("[server]\nlisten = \"0.0.0.0:70000\"") ==
          "server.listen: PORT must be in 0..65535, got \"0.0.0.0:70000\"");
    CHECK(ProblemOf("[server]\npublic_url = \"files.example.org\"") ==
          "server.public_url: expected an http:// or https:// URL, got \"files.example.org\"");
    CHECK(ProblemOf("[server]\ndata_dir = \"\"") == "server.data_dir: must not be empty");
    CHECK(ProblemOf("[server]\nmax_connections = 0") ==
          "server.max_connections: must be in 1..1000000, got 0");
    CHECK(
        ProblemOf("[policy]\ninternal_domains = [\"@ul.se\"]") ==
        "policy.internal_domains[0]: \"@ul.se\" is not a domain name (write it without the \"@\")");
    CHECK(ProblemOf("[mail]\ntransport = \"sendmail\"") ==
          "mail.transport: expected one of \"spool\", \"smtp\", got \"sendmail\"");
    CHECK(ProblemOf("[mail]\nsmtp_url = \"http://mail.example.org\"") ==
          "mail.smtp_url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT], got "
          "\"http://mail.example.org\"");
    CHECK(ProblemOf("[mail]\nsmtp_url = \"smtp://user:pw@mail.example.org\"") ==
          "mail.smtp_url: put the user name and password in mail.smtp_username and "
          "mail.smtp_password, not in the URL");
    CHECK(ProblemOf("[mail]\nsmtp_url = \"smtp://mail.example.org:0\"")
              .starts_with("mail.smtp_url: expected smtp://"));
    CHECK(ProblemOf("[mail]\nadmin_address = \"admin\"") ==
          "mail.admin_address: expected an e-mail address such as \"admin@example.org\", got "
          "\"admin\"");
    CHECK(ProblemOf("[mail]\nfrom = \"x <a@b.se>\\nBcc: evil@example.org\"") ==
          "mail.from: must be one line without control characters");
    CHECK(ProblemOf("[security]\ntrusted_proxies = [\"10.0.0.0/33\"]") ==
          "security.trusted_proxies[0]: prefix length must be a number in 0..32, got "
          "\"10.0.0.0/33\"");
    CHECK(ProblemOf("[security]\ntrusted_proxies = [\"10.1.0.0/8\"]") ==
          "security.trusted_proxies[0]: \"10.1.0.0/8\" has host bits set; did you mean "
          "\"10.0.0.0/8\"?");
    CHECK(ProblemOf("[metrics]\nallow = [\"localhost\"]").starts_with("metrics.allow[0]: "));
    CHECK(ProblemOf("[metrics]\nallow = [\"127.0.0.1/8\"]") ==
          "metrics.allow[0]: \"127.0.0.1/8\" has host bits set; did you mean \"127.0.0.0/8\"?");
    CHECK(ProblemOf("[metrics]\nallow = \"127.0.0.0/8\"").starts_with("metrics.allow: "));
    CHECK(ProblemOf("[metrics]\nalow = []").find("metrics.alow") != std::string::npos);
    CHECK(ProblemOf("[kdf]\nmemlimit = \"1KiB\"") ==
          "kdf.memlimit: must be between 8KiB and 4294967295KiB, got 1KiB");
}

TEST_CASE("Checks across keys and files", "[config]") {
    CHECK(ProblemOf("[policy]\ndefault_retention_days = 14") ==
          "policy.default_retention_days: 14 is more than policy.max_retention_days (10)");
    CHECK(ProblemsOf("[policy]\nmax_retention_days = 5\ndefault_retention_days = 5").empty());

    CHECK(ProblemOf("[tls]\ncert = \"" + kReadableFile + "\"") ==
          "tls.key: missing; tls.cert and tls.key must be set together");
    CHECK(ProblemOf("[tls]\nkey = \"" + kReadableFile + "\"") ==
          "tls.cert: missing; tls.cert and tls.key must be set together");
    CHECK(ProblemOf("[tls]\ncert = \"/nonexistent/cert.pem\"\nkey = \"" + kReadableFile + "\"") ==
          "tls.cert: cannot read \"/nonexistent/cert.pem\": No such file or directory");
    CHECK(ProblemOf("[tls]\ncert = \"" + kReadableFile + "\"\nkey = \"/\"") ==
          "tls.key: cannot read \"/\": is a directory");

    CHECK(ProblemOf("[mail]\nsmtp_username = \"me\"") ==
          "mail.smtp_password: missing; mail.smtp_username and mail.smtp_password must be set "
          "together");
    CHECK(ProblemOf("[server]\nstatic_dir = \"" + kReadableFile + "\"") ==
          "server.static_dir: \"" + kReadableFile + "\" is not a directory");
}

TEST_CASE("Every problem is reported at once, in file order", "[config]") {
    const auto problems = ProblemsOf(R"(
[server]
listen = "8080"
max_conections = 10

[limits]
max_transfer_size = true

[policy]
default_retention_days = 11

[tls]
cert = "/nonexistent/cert.pem"

[mail]
transport = "carrier-pigeon"
)");
    CHECK(problems == std::vector<std::string>{
                          "server.listen: expected HOST:PORT, got \"8080\"",
                          "server.max_conections: unknown key (did you mean "
                          "\"server.max_connections\"?)",
                          "limits.max_transfer_size: expected a size such as \"100GiB\", got "
                          "boolean",
                          "mail.transport: expected one of \"spool\", \"smtp\", got "
                          "\"carrier-pigeon\"",
                          "policy.default_retention_days: 11 is more than "
                          "policy.max_retention_days (10)",
                          "tls.key: missing; tls.cert and tls.key must be set together",
                          "tls.cert: cannot read \"/nonexistent/cert.pem\": No such file or "
                          "directory",
                      });

    try {
        LoadConfigFromString("[server]\nlisten = \"8080\"\n[log]\nlevel = \"loud\"", "site.toml");
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(
            std::string(e.what()) ==
            "invalid configuration in site.toml (2 problems):\n"
            "  server.listen: expected HOST:PORT, got \"8080\"\n"
            "  log.level: expected one of \"debug\", \"info\", \"warn\", \"error\", got \"loud\"");
    }
}

TEST_CASE("Syntax errors and unreadable files are ConfigErrors with a location", "[config]") {
    const auto problems = ProblemsOf("[server]\nlisten = \"127.0.0.1:8080\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].starts_with("line 2, column "));
    CHECK(problems[0].find("not valid TOML") != std::string::npos);

    try {
        LoadConfig("/nonexistent/sealpost.toml");
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(e.Problems() ==
              std::vector<std::string>{"cannot read \"/nonexistent/sealpost.toml\": "
                                       "No such file or directory"});
    }
}
