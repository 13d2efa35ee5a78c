// The spool transport (the embedded default): one .eml per message, written
// atomically with mode 0600 under the outbox id, readable by Python's parser.
#include "mail/SpoolTransport.hxx"

#include "MailTestSupport.hxx"
#include "SmtpTestServer.hxx"
#include "config/Config.hxx"
#include "lib/uv/Loop.hxx"
#include "lib/uv/Timer.hxx"
#include "mail/MailMessage.hxx"
#include "mail/Outbox.hxx"
#include "mail/SpoolCleaner.hxx"
#include "mail/TransportFactory.hxx"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

using namespace sealpost;
using namespace sealpost::test;
using namespace std::chrono_literals;

namespace {

unsigned Mode(const std::filesystem::path& path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::string ReadAll(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream out;
    out << file.rdbuf();
    return out.str();
}

} // namespace

TEST_CASE("the outbox spools one parseable .eml per message, mode 0600") {
    TempDir tmp;
    const auto spool = tmp.Path() / "mail";
    uv::Loop loop;
    std::vector<OutboxReport> sent;
    auto outbox = std::make_unique<Outbox>(
        loop.get(), OutboxOptions{tmp.Path() / "outbox", {}},
        std::make_unique<SpoolTransport>(spool),
        OutboxHooks{[&](const OutboxReport& r) { sent.push_back(r); }, {}});
    outbox->Start();
    const std::string id = outbox->Enqueue(
        MailMessage{
            .from = Mailbox::Make("sealpost", "noreply@localhost"),
            .to = {Mailbox::Make("Åsa Öberg", "asa@example.se")},
            .bcc = {Mailbox::Make("", "secret@example.se")},
            .subject = "Ärende: filer\r\nBcc: evil@example.com",
            .text_body = "Hej!\n",
            .html_body = "<p>Hej!</p>",
        },
        {"verification_code", ""});
    REQUIRE(RunUntil(loop, [&] { return sent.size() == 1; }));
    CHECK(sent[0].id == id);

    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(spool))
        names.push_back(entry.path().filename().string());
    CHECK(names == std::vector<std::string>{id + ".eml"});
    CHECK(Mode(spool) == 0700);
    CHECK(Mode(spool / (id + ".eml")) == 0600);

    const std::string data = ReadAll(spool / (id + ".eml"));
    CHECK(CountHeader(data, "Bcc") == 0);
    CHECK(data.find("secret@example.se") == std::string::npos);
    const auto parsed = ParseWithPython(data);
    CHECK(parsed["defects"].empty());
    CHECK(parsed["subject"] == "Ärende: filer Bcc: evil@example.com");
    CHECK(parsed["to"][0]["address"] == "asa@example.se");
    CHECK(parsed["multipart"].get<bool>());
    CHECK(parsed["parts"][0]["content"] == "Hej!\n");
    CHECK(parsed["parts"][1]["type"] == "text/html");

    bool stopped = false;
    outbox->Stop([&] { stopped = true; });
    REQUIRE(RunUntil(loop, [&] { return stopped; }));
    outbox.reset();
    CHECK(loop.Close() == 0);
}

TEST_CASE("a retried message replaces its own spool file; unsafe ids are refused") {
    TempDir tmp;
    SpoolTransport spool(tmp.Path() / "mail");
    const MailEnvelope envelope{"noreply@localhost", {"a@example.se"}};
    CHECK(spool.Deliver("abc123", envelope, "first\r\n").status == DeliveryResult::Status::sent);
    CHECK(spool.Deliver("abc123", envelope, "second\r\n").status == DeliveryResult::Status::sent);
    CHECK(ReadAll(tmp.Path() / "mail" / "abc123.eml") == "second\r\n");
    for (const char* id : {"", "../escape", "a/b", ".hidden", "x.eml"})
        CHECK(spool.Deliver(id, envelope, "x").status == DeliveryResult::Status::failed);
    CHECK(std::distance(std::filesystem::directory_iterator(tmp.Path() / "mail"),
                        std::filesystem::directory_iterator{}) == 1);
}

TEST_CASE("an unwritable spool folder holds the queue") {
    if (geteuid() == 0)
        SUCCEED("root writes anywhere; nothing to check");
    else {
        TempDir tmp;
        SpoolTransport spool(tmp.Path() / "mail");
        std::filesystem::permissions(tmp.Path() / "mail", std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_exec);
        const auto result = spool.Deliver("abc", {"a@localhost", {"b@localhost"}}, "x");
        CHECK(result.status == DeliveryResult::Status::transport_down);
        CHECK_THAT(result.error, Catch::StartsWith("spool: "));
    }
}

TEST_CASE("the configuration chooses the transport and the folders") {
    TempDir tmp;
    Config config;
    config.server.data_dir = tmp.Path() / "data";
    CHECK(OutboxDirectory(config) == tmp.Path() / "data" / "outbox");
    CHECK(SpoolDirectory(config) == tmp.Path() / "data" / "mail");
    CHECK(CreateMessageTransport(config)->Name() == "spool");
    CHECK(std::filesystem::is_directory(tmp.Path() / "data" / "mail"));
    config.mail.transport = MailTransport::kSmtp;
    CHECK(CreateMessageTransport(config)->Name() == "smtp");
    config.mail.smtp_url = "ftp://example.com";
    CHECK_THROWS_AS(CreateMessageTransport(config), std::invalid_argument);
}

TEST_CASE("mail.spool_dir moves the spool; the default is data_dir/mail") {
    TempDir tmp;
    Config config;
    config.server.data_dir = tmp.Path() / "data";
    config.mail.spool_dir = tmp.Path() / "elsewhere";
    CHECK(SpoolDirectory(config) == tmp.Path() / "elsewhere");
    CHECK(CreateMessageTransport(config)->Name() == "spool");
    CHECK(std::filesystem::is_directory(tmp.Path() / "elsewhere"));
    CHECK_FALSE(std::filesystem::exists(tmp.Path() / "data" / "mail"));
}

namespace {

void Touch(const std::filesystem::path& file, std::chrono::seconds age) {
    std::ofstream(file) << "Subject: x\r\n\r\nhttps://link\r\n";
    std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() - age);
}

} // namespace

TEST_CASE("spooled messages older than the retention are deleted; other files stay") {
    using namespace std::chrono;
    TempDir tmp;
    const auto dir = tmp.Path() / "mail";
    std::filesystem::create_directories(dir);
    Touch(dir / "old1.eml", hours(25));
    Touch(dir / ".old2.tmp", hours(30));
    Touch(dir / "new.eml", hours(23));
    Touch(dir / "notes.txt", hours(100)); // not the spool's: left alone
    const auto now = std::filesystem::file_time_type::clock::now();
    CHECK(ExpireSpool(dir, hours(24), now) == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "old1.eml"));
    CHECK_FALSE(std::filesystem::exists(dir / ".old2.tmp"));
    CHECK(std::filesystem::exists(dir / "new.eml"));
    CHECK(std::filesystem::exists(dir / "notes.txt"));
    CHECK(ExpireSpool(tmp.Path() / "missing", hours(24), now) == 0);
}

TEST_CASE("the spool cleaner removes old mail at start and then by its timer") {
    using namespace std::chrono;
    TempDir tmp;
    const auto dir = tmp.Path() / "mail";
    std::filesystem::create_directories(dir);
    Touch(dir / "before.eml", hours(48));
    uv::Loop loop;
    {
        // The cleaner's timer does not keep a loop alive; the server's listener
        // does. This one stands in for it.
        uv::Timer keep_alive(loop.get(), [] {});
        keep_alive.Start(60'000);
        SpoolCleaner cleaner(loop.get(), dir, milliseconds(1500));
        CHECK(cleaner.Interval() == seconds(1));
        cleaner.Start();
        // At start: what expired while the service was down.
        REQUIRE(RunUntil(
            loop, [&] { return !std::filesystem::exists(dir / "before.eml"); }, seconds(5)));
        // A message spooled now is gone within retention + interval.
        SpoolTransport spool(dir);
        REQUIRE(spool.Deliver("fresh1", {"a@localhost", {"b@localhost"}}, "x\r\n").status ==
                DeliveryResult::Status::sent);
        const auto spooled = steady_clock::now();
        REQUIRE(RunUntil(
            loop, [&] { return !std::filesystem::exists(dir / "fresh1.eml"); }, seconds(10)));
        CHECK(steady_clock::now() - spooled >= milliseconds(1400));
    }
    CHECK(loop.Close() == 0);
}

TEST_CASE("a spool retention of zero keeps every message") {
    using namespace std::chrono;
    TempDir tmp;
    const auto dir = tmp.Path() / "mail";
    std::filesystem::create_directories(dir);
    Touch(dir / "ancient.eml", hours(24 * 365));
    uv::Loop loop;
    {
        SpoolCleaner cleaner(loop.get(), dir, milliseconds(0));
        cleaner.Start();
        RunUntil(
            loop, [] { return false; }, milliseconds(300));
    }
    CHECK(std::filesystem::exists(dir / "ancient.eml"));
    CHECK(loop.Close() == 0);
}

TEST_CASE("a hook that throws does not stop the outbox") {
    TempDir tmp;
    uv::Loop loop;
    int calls = 0;
    auto outbox =
        std::make_unique<Outbox>(loop.get(), OutboxOptions{tmp.Path() / "outbox", {}},
                                 std::make_unique<SpoolTransport>(tmp.Path() / "mail"),
                                 OutboxHooks{[&](const OutboxReport&) {
                                                 ++calls;
                                                 throw std::runtime_error("audit log unavailable");
                                             },
                                             {}});
    outbox->Start();
    const MailMessage message{.from = Mailbox::Make("", "noreply@localhost"),
                              .to = {Mailbox::Make("", "a@localhost")},
                              .subject = "x",
                              .text_body = "x"};
    outbox->Enqueue(message, {"verification_code", ""});
    REQUIRE(RunUntil(loop, [&] { return calls == 1; }));
    outbox->Enqueue(message, {"verification_code", ""},
                    [](std::exception_ptr) { throw std::runtime_error("caller gone"); });
    REQUIRE(RunUntil(loop, [&] { return calls == 2; }));
    CHECK(outbox->Pending().empty());
    bool stopped = false;
    outbox->Stop([&] { stopped = true; });
    REQUIRE(RunUntil(loop, [&] { return stopped; }));
    outbox.reset();
    CHECK(loop.Close() == 0);
}
