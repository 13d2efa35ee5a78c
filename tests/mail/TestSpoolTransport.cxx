// The spool transport (the embedded default): one .eml per message, written
// atomically with mode 0600 under the outbox id, readable by Python's parser.
#include "mail/SpoolTransport.hxx"

#include "MailTestSupport.hxx"
#include "SmtpTestServer.hxx"
#include "config/Config.hxx"
#include "lib/uv/Loop.hxx"
#include "mail/MailMessage.hxx"
#include "mail/Outbox.hxx"
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
