// The outbox against a real SMTP server (aiosmtpd on loopback): delivery with
// Bcc only in the envelope, a server that is down and comes back, a restart
// with messages still queued, and refusals that are final or temporary.
#include "mail/Outbox.hxx"

#include "MailTestSupport.hxx"
#include "SmtpTestServer.hxx"
#include "config/Config.hxx"
#include "lib/uv/Loop.hxx"
#include "mail/MailMessage.hxx"
#include "mail/Notifications.hxx"
#include "mail/OutboxStore.hxx"
#include "mail/SmtpTransport.hxx"

#include <catch2/catch.hpp>

#include <regex>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;
using namespace std::chrono_literals;

namespace {

MailConfig SmtpConfig(std::uint16_t port) {
    MailConfig config;
    config.transport = MailTransport::kSmtp;
    config.smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
    config.smtp_starttls = false;
    config.smtp_timeout = 5s;
    return config;
}

RetryPolicy FastRetry() {
    return {.first_delay = 100ms, .max_delay = 400ms, .give_up_after = 60s};
}

MailMessage SampleMessage(std::string subject = "Filer från Anna") {
    return MailMessage{
        .from = Mailbox::Make("sealpost", "noreply@files.example.se"),
        .to = {Mailbox::Make("Bo Ek", "bo@example.com")},
        .cc = {Mailbox::Make("", "cc@example.org")},
        .bcc = {Mailbox::Make("Hidden", "hidden@example.net")},
        .subject = std::move(subject),
        .text_body = "Hej Bo,\nAnna har skickat filer till dig.\n",
    };
}

/// Collects what the hooks report.
struct Reports {
    std::vector<OutboxReport> sent;
    std::vector<OutboxReport> failed;

    OutboxHooks Hooks() {
        return {[this](const OutboxReport& r) { sent.push_back(r); },
                [this](const OutboxReport& r) { failed.push_back(r); }};
    }
};

/// A port where nothing listens now: one the test server had, then gave up.
std::uint16_t VacatedPort(const std::filesystem::path& dir) {
    SmtpTestServer probe({.dir = dir});
    return probe.Port();
}

void StopAndClose(uv::Loop& loop, std::unique_ptr<Outbox>& outbox) {
    bool stopped = false;
    outbox->Stop([&] { stopped = true; });
    REQUIRE(RunUntil(loop, [&] { return stopped; }));
    outbox.reset();
    CHECK(loop.Close() == 0);
}

} // namespace

TEST_CASE("the outbox delivers through SMTP with Bcc only in the envelope") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    SmtpTestServer server({.dir = received});

    uv::Loop loop;
    Reports reports;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), OutboxOptions{tmp.Path() / "outbox", FastRetry()},
        std::make_unique<SmtpTransport>(SmtpConfig(server.Port())), reports.Hooks());
    bool stored = false;
    const std::string id =
        outbox->Enqueue(SampleMessage(), {"recipient_notification", "t0000000000000000000000001"},
                        [&](std::exception_ptr error) { stored = !error; });
    CHECK(id.size() == 32);
    outbox->Start();
    REQUIRE(RunUntil(loop, [&] { return reports.sent.size() == 1; }));
    CHECK(stored);
    CHECK(reports.failed.empty());
    CHECK(reports.sent[0].id == id);
    CHECK(reports.sent[0].kind == "recipient_notification");
    CHECK(reports.sent[0].reference == "t0000000000000000000000001");
    CHECK(reports.sent[0].attempts == 1);
    CHECK(outbox->Pending().empty());

    const auto mails = ReadReceived(received);
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].mail_from == "noreply@files.example.se");
    CHECK(mails[0].rcpt_tos ==
          std::vector<std::string>{"bo@example.com", "cc@example.org", "hidden@example.net"});
    CHECK(CountHeader(mails[0].data, "Bcc") == 0);
    CHECK(mails[0].data.find("hidden@example.net") == std::string::npos);
    const auto parsed = ParseWithPython(mails[0].data);
    CHECK(parsed["defects"].empty());
    CHECK(parsed["subject"] == "Filer från Anna");
    CHECK(parsed["to"][0]["address"] == "bo@example.com");
    CHECK(parsed["cc"][0]["address"] == "cc@example.org");
    CHECK(parsed["parts"][0]["content"] == "Hej Bo,\nAnna har skickat filer till dig.\n\n");
    StopAndClose(loop, outbox);
}

TEST_CASE("with the server down a message waits, is retried, and arrives exactly once") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    const std::uint16_t port = VacatedPort(received);

    uv::Loop loop;
    Reports reports;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), OutboxOptions{tmp.Path() / "outbox", FastRetry()},
        std::make_unique<SmtpTransport>(SmtpConfig(port)), reports.Hooks());
    outbox->Start();
    const std::string id = outbox->Enqueue(SampleMessage(), {"verification_code", ""});

    // Retried with backoff while the server is down: attempts grow, nothing
    // is reported, the message stays queued with the reason.
    REQUIRE(RunUntil(loop, [&] {
        const auto pending = outbox->Pending();
        return pending.size() == 1 && pending[0].attempts >= 3;
    }));
    const auto pending = outbox->Pending();
    CHECK(pending[0].id == id);
    CHECK(pending[0].kind == "verification_code");
    CHECK_THAT(pending[0].last_error, Catch::Contains("smtp: "));
    CHECK(reports.sent.empty());
    CHECK(reports.failed.empty());

    SmtpTestServer server({.dir = received, .port = port});
    REQUIRE(RunUntil(loop, [&] { return reports.sent.size() == 1; }));
    CHECK(reports.sent[0].id == id);
    CHECK(reports.sent[0].attempts >= 4);
    // Another few backoff periods: nothing is sent twice.
    RunUntil(
        loop, [] { return false; }, 1s);
    CHECK(reports.sent.size() == 1);
    CHECK(ReadReceived(received).size() == 1);
    CHECK(outbox->Pending().empty());
    StopAndClose(loop, outbox);
}

TEST_CASE("a new outbox on the same directory delivers what the old one left") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    const std::uint16_t port = VacatedPort(received);
    // An hour's backoff: only the retry at start can deliver within the test.
    const OutboxOptions options{tmp.Path() / "outbox",
                                {.first_delay = 1h, .max_delay = 1h, .give_up_after = 72h}};
    std::vector<std::string> ids;
    {
        uv::Loop loop;
        auto outbox = std::make_unique<Outbox>(loop.get(), options,
                                               std::make_unique<SmtpTransport>(SmtpConfig(port)));
        outbox->Start();
        int stored = 0;
        for (const char* subject : {"first", "second"})
            ids.push_back(outbox->Enqueue(SampleMessage(subject), {"sender_confirmation", ""},
                                          [&](std::exception_ptr e) { stored += !e; }));
        REQUIRE(RunUntil(loop, [&] { return stored == 2; }));
        REQUIRE(RunUntil(loop, [&] {
            const auto pending = outbox->Pending();
            return pending.size() == 2 && pending[0].attempts + pending[1].attempts >= 1;
        }));
        StopAndClose(loop, outbox);
    }
    CHECK(ReadReceived(received).empty());

    SmtpTestServer server({.dir = received, .port = port});
    uv::Loop loop;
    Reports reports;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), options, std::make_unique<SmtpTransport>(SmtpConfig(port)), reports.Hooks());
    CHECK(outbox->Pending().size() == 2);
    outbox->Start();
    REQUIRE(RunUntil(loop, [&] { return reports.sent.size() == 2; }));
    std::vector<std::string> sent{reports.sent[0].id, reports.sent[1].id};
    std::sort(sent.begin(), sent.end());
    std::sort(ids.begin(), ids.end());
    CHECK(sent == ids);
    const auto mails = ReadReceived(received);
    REQUIRE(mails.size() == 2);
    std::vector<std::string> subjects;
    for (const auto& mail : mails)
        subjects.push_back(ParseWithPython(mail.data)["subject"].get<std::string>());
    std::sort(subjects.begin(), subjects.end());
    CHECK(subjects == std::vector<std::string>{"first", "second"});
    StopAndClose(loop, outbox);
}

TEST_CASE("a message queued again under its derived id is sent once, also after a restart") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    SmtpTestServer server({.dir = received});
    const OutboxOptions options{tmp.Path() / "outbox", FastRetry()};
    const std::string id = OutboxIdFor("sxy66egk7gin7t6bi7xeue23m4", "provided", 0);
    CHECK(id.size() == 32);
    CHECK(id == OutboxIdFor("sxy66egk7gin7t6bi7xeue23m4", "provided", 0));
    CHECK(id != OutboxIdFor("sxy66egk7gin7t6bi7xeue23m4", "provided", 1));
    CHECK(id != OutboxIdFor("sxy66egk7gin7t6bi7xeue23m4", "revoked", 0));
    for (int run = 0; run < 2; ++run) {
        // Each run is a process start that makes the same report again: the
        // first queues and sends the message, the second finds its id sent.
        uv::Loop loop;
        Reports reports;
        auto outbox = std::make_unique<Outbox>(
            loop.get(), options, std::make_unique<SmtpTransport>(SmtpConfig(server.Port())),
            reports.Hooks());
        outbox->Start();
        int stored = 0;
        for (int again = 0; again < 3; ++again)
            CHECK(outbox->Enqueue(SampleMessage("once"), {"recipient_notification", "t"},
                                  [&](std::exception_ptr e) { stored += !e; }, id) == id);
        REQUIRE(RunUntil(loop, [&] { return stored == 3; }));
        RunUntil(
            loop, [&] { return !reports.sent.empty(); }, run == 0 ? 5s : 1s);
        CHECK(reports.sent.size() == (run == 0 ? 1u : 0u));
        CHECK(outbox->Pending().empty());
        StopAndClose(loop, outbox);
    }
    CHECK(ReadReceived(received).size() == 1);

    uv::Loop loop;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), options, std::make_unique<SmtpTransport>(SmtpConfig(server.Port())));
    CHECK_THROWS_AS(outbox->Enqueue(SampleMessage(), {"recipient_notification", ""}, {},
                                    "not-an-outbox-id"),
                    std::invalid_argument);
    StopAndClose(loop, outbox);
}

TEST_CASE("the ids of sent messages are forgotten after the memory period") {
    TempDir tmp;
    OutboxStore store(tmp.Path() / "outbox");
    OutboxEntry entry;
    entry.id = OutboxIdFor("t", "expired", 0);
    entry.kind = "expiry_notice";
    entry.envelope = {"noreply@files.example.se", {"bo@example.com"}};
    entry.created_at_ms = entry.next_attempt_ms = OutboxNowMs();
    REQUIRE(store.Add(entry, "Subject: x\r\n\r\nbody\r\n"));
    CHECK_FALSE(store.Add(entry, "Subject: x\r\n\r\nbody\r\n")); // queued
    store.Remove(entry.id, entry.next_attempt_ms);
    CHECK_FALSE(store.Add(entry, "Subject: x\r\n\r\nbody\r\n")); // sent, remembered
    store.PruneSent(OutboxNowMs() - OutboxStore::kSentMemoryMs);
    CHECK_FALSE(store.Add(entry, "Subject: x\r\n\r\nbody\r\n")); // still within memory
    store.PruneSent(OutboxNowMs() + 1000);                           // as if a month passed
    CHECK(store.Add(entry, "Subject: x\r\n\r\nbody\r\n"));
    CHECK(store.List().size() == 1);
}

TEST_CASE("a 5xx refusal is final and reported; a 4xx refusal is retried until too old") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    SmtpTestServer server({.dir = received,
                           .reject_rcpt = {"gone@example.com"},
                           .tempfail_rcpt = {"busy@example.com"}});
    uv::Loop loop;
    Reports reports;
    RetryPolicy retry = FastRetry();
    retry.give_up_after = 600ms;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), OutboxOptions{tmp.Path() / "outbox", retry},
        std::make_unique<SmtpTransport>(SmtpConfig(server.Port())), reports.Hooks());
    outbox->Start();

    MailMessage gone = SampleMessage();
    gone.to = {Mailbox::Make("", "gone@example.com")};
    gone.cc.clear();
    gone.bcc.clear();
    const std::string gone_id = outbox->Enqueue(gone, {"download_receipt", "t1"});
    REQUIRE(RunUntil(loop, [&] { return reports.failed.size() == 1; }));
    CHECK(reports.failed[0].id == gone_id);
    CHECK(reports.failed[0].kind == "download_receipt");
    CHECK(reports.failed[0].reference == "t1");
    CHECK(reports.failed[0].attempts == 1);
    CHECK_THAT(reports.failed[0].error, Catch::Contains("550"));

    MailMessage busy = gone;
    busy.to = {Mailbox::Make("", "busy@example.com")};
    const std::string busy_id = outbox->Enqueue(busy, {"expiry_notice", "t2"});
    REQUIRE(RunUntil(loop, [&] { return reports.failed.size() == 2; }));
    CHECK(reports.failed[1].id == busy_id);
    CHECK(reports.failed[1].attempts >= 2);
    CHECK_THAT(reports.failed[1].error, Catch::Contains("451"));

    // The server itself works: other mail still gets through.
    outbox->Enqueue(SampleMessage(), {"revocation_notice", ""});
    REQUIRE(RunUntil(loop, [&] { return reports.sent.size() == 1; }));
    CHECK(ReadReceived(received).size() == 1);
    CHECK(outbox->Pending().empty());
    StopAndClose(loop, outbox);
}

TEST_CASE("Enqueue refuses what cannot be sent") {
    TempDir tmp;
    uv::Loop loop;
    auto outbox =
        std::make_unique<Outbox>(loop.get(), OutboxOptions{tmp.Path() / "outbox", FastRetry()},
                                 std::make_unique<SmtpTransport>(SmtpConfig(1)));
    MailMessage nobody = SampleMessage();
    nobody.to.clear();
    nobody.cc.clear();
    nobody.bcc.clear();
    CHECK_THROWS_AS(outbox->Enqueue(nobody, {"verification_code", ""}), std::invalid_argument);
    CHECK_THROWS_AS(outbox->Enqueue(SampleMessage(), {"Bad Kind", ""}), std::invalid_argument);
    CHECK_THROWS_AS(outbox->Enqueue(SampleMessage(), {"ok", "with space"}), std::invalid_argument);
    CHECK(outbox->Pending().empty());
    StopAndClose(loop, outbox);
}

TEST_CASE("notifications travel through the outbox and the relay; code and link read back") {
    TempDir tmp;
    const auto received = tmp.Path() / "received";
    std::filesystem::create_directories(received);
    SmtpTestServer server({.dir = received});
    uv::Loop loop;
    Reports reports;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), OutboxOptions{tmp.Path() / "outbox", FastRetry()},
        std::make_unique<SmtpTransport>(SmtpConfig(server.Port())), reports.Hooks());
    outbox->Start();

    NotificationSettings settings;
    settings.public_url = "https://files.example.se";
    settings.from = Mailbox::Parse("sealpost <noreply@files.example.se>");
    const Notifications notifications(settings);
    const Notification code = notifications.VerificationCode(
        {"sv", Mailbox::Make("Anna", "anna@regionuppsala.se"), "48291375"});
    const Notification link = notifications.RecipientNotification({
        .language = "en",
        .to = Mailbox::Make("Bo", "bo@example.com"),
        .transfer_id = "t7k2m4q6s8u0w2y4a6c8e0g2i4",
        .download_id = "d3f5h7j9l1n3p5r7t9v1x3z5b7",
        .sender = {"Anna", "anna@regionuppsala.se", ""},
        .expires_at = std::chrono::system_clock::now() + 24h,
    });
    outbox->Enqueue(code.message, code.label);
    outbox->Enqueue(link.message, link.label);
    REQUIRE(RunUntil(loop, [&] { return reports.sent.size() == 2; }));
    CHECK(reports.sent[0].kind != reports.sent[1].kind);

    const auto mails = ReadReceived(received);
    REQUIRE(mails.size() == 2);
    std::string texts;
    for (const auto& mail : mails)
        texts += ParseWithPython(mail.data)["parts"][0]["content"].get<std::string>();
    const std::regex code_line(R"(\n {4}(\d{6,})\n)");
    std::smatch match;
    REQUIRE(std::regex_search(texts, match, code_line));
    CHECK(match[1] == "48291375");
    const std::regex link_line(R"(https://files\.example\.se/d/([a-z0-9]+))");
    REQUIRE(std::regex_search(texts, match, link_line));
    CHECK(match[1] == "d3f5h7j9l1n3p5r7t9v1x3z5b7");
    StopAndClose(loop, outbox);
}
