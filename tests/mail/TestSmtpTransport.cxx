// SmtpTransport against aiosmtpd: STARTTLS and implicit TLS with a
// self-signed certificate (trusted through ca_file, so verification stays on),
// AUTH, and the mapping of failures to retry decisions without secrets.
#include "mail/SmtpTransport.hxx"

#include "MailTestSupport.hxx"
#include "SmtpTestServer.hxx"
#include "config/Config.hxx"
#include "mail/MailMessage.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using namespace sealpost::test;
using namespace std::chrono_literals;
using Status = DeliveryResult::Status;

namespace {

MailConfig SmtpSettingsFor(std::string url, bool starttls) {
    MailConfig config;
    config.transport = MailTransport::kSmtp;
    config.smtp_url = std::move(url);
    config.smtp_starttls = starttls;
    config.smtp_timeout = 5s;
    return config;
}

const MailEnvelope kEnvelope{"noreply@files.example.se", {"bo@example.com"}};

std::string Message() {
    return MailMessage{
        .from = Mailbox::Make("sealpost", "noreply@files.example.se"),
        .to = {Mailbox::Make("Bo", "bo@example.com")},
        .subject = "TLS",
        .text_body = "over TLS\n",
    }
        .Render();
}

struct TlsServer {
    TempDir tmp;
    std::filesystem::path received = tmp.Path() / "received";
    std::filesystem::path cert = tmp.Path() / "cert.pem";

    SmtpServerOptions Options() {
        std::filesystem::create_directories(received);
        MakeSelfSignedCertificate(tmp.Path());
        return {.dir = received, .tls_cert = cert, .tls_key = tmp.Path() / "key.pem"};
    }
};

} // namespace

TEST_CASE("STARTTLS with AUTH, the certificate checked against ca_file") {
    TlsServer tls;
    SmtpServerOptions options = tls.Options();
    options.starttls = true;
    options.auth = "robot:s3cret-Password";
    SmtpTestServer server(options);
    const std::string url = "smtp://localhost:" + std::to_string(server.Port());

    SECTION("verified and logged in: delivered over TLS") {
        MailConfig config = SmtpSettingsFor(url, true);
        config.smtp_username = "robot";
        config.smtp_password = "s3cret-Password";
        SmtpTransport transport(config, {.verify = true, .ca_file = tls.cert.string()});
        const DeliveryResult result = transport.Deliver("a1", kEnvelope, Message());
        INFO(result.error);
        REQUIRE(result.status == Status::sent);
        const auto mails = ReadReceived(tls.received);
        REQUIRE(mails.size() == 1);
        CHECK(mails[0].tls);
        CHECK(mails[0].auth);
        CHECK(ParseWithPython(mails[0].data)["subject"] == "TLS");
    }
    SECTION("an untrusted certificate stops the session") {
        MailConfig config = SmtpSettingsFor(url, true);
        config.smtp_username = "robot";
        config.smtp_password = "s3cret-Password";
        SmtpTransport transport(config);
        const DeliveryResult result = transport.Deliver("a2", kEnvelope, Message());
        CHECK(result.status == Status::transport_down);
        CHECK_THAT(result.error, Catch::Contains("certificate"));
        CHECK(ReadReceived(tls.received).empty());
    }
    SECTION("verification off (tests only) accepts the certificate") {
        MailConfig config = SmtpSettingsFor(url, true);
        config.smtp_username = "robot";
        config.smtp_password = "s3cret-Password";
        SmtpTransport transport(config, {.verify = false});
        CHECK(transport.Deliver("a3", kEnvelope, Message()).status == Status::sent);
    }
    SECTION("a wrong password holds the queue and is never echoed") {
        MailConfig config = SmtpSettingsFor(url, true);
        config.smtp_username = "robot";
        config.smtp_password = "Wrong-Password-123";
        SmtpTransport transport(config, {.ca_file = tls.cert.string()});
        const DeliveryResult result = transport.Deliver("a4", kEnvelope, Message());
        CHECK(result.status == Status::transport_down);
        CHECK_FALSE(result.error.empty());
        CHECK(result.error.find("Wrong-Password-123") == std::string::npos);
        CHECK(result.error.find("robot") == std::string::npos);
    }
    SECTION("without STARTTLS the server refuses; the queue is held, not given up") {
        SmtpTransport transport(SmtpSettingsFor(url, false));
        const DeliveryResult result = transport.Deliver("a5", kEnvelope, Message());
        INFO(result.error);
        CHECK(result.status == Status::transport_down);
    }
    CHECK(ReadReceived(tls.received).size() <= 1);
}

TEST_CASE("smtps:// uses implicit TLS") {
    TlsServer tls;
    SmtpServerOptions options = tls.Options();
    options.implicit_tls = true;
    SmtpTestServer server(options);
    SmtpTransport transport(
        SmtpSettingsFor("smtps://localhost:" + std::to_string(server.Port()), false),
        {.ca_file = tls.cert.string()});
    const DeliveryResult result = transport.Deliver("b1", kEnvelope, Message());
    INFO(result.error);
    REQUIRE(result.status == Status::sent);
    const auto mails = ReadReceived(tls.received);
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].tls);
    CHECK(mails[0].rcpt_tos == std::vector<std::string>{"bo@example.com"});
}

TEST_CASE("an unreachable server holds the queue") {
    TempDir tmp;
    std::uint16_t port;
    {
        SmtpTestServer probe({.dir = tmp.Path()});
        port = probe.Port();
    }
    SmtpTransport transport(SmtpSettingsFor("smtp://127.0.0.1:" + std::to_string(port), false));
    const DeliveryResult result = transport.Deliver("c1", kEnvelope, Message());
    CHECK(result.status == Status::transport_down);
    CHECK_THAT(result.error, Catch::StartsWith("smtp: "));
}

TEST_CASE("SmtpTransport refuses URLs other than smtp:// and smtps://") {
    CHECK_THROWS_AS(SmtpTransport(SmtpSettingsFor("http://127.0.0.1:25", false)),
                    std::invalid_argument);
}
