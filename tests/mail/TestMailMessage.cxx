#include "mail/MailMessage.hxx"

#include "MailTestSupport.hxx"
#include "mail/HeaderEncoding.hxx"
#include "mail/MailDate.hxx"
#include "mail/QuotedPrintable.hxx"

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

using namespace sealpost;
using namespace sealpost::test;
using nlohmann::json;
using Strings = std::vector<std::string>;

namespace {

// 2025-07-01 08:05:09 UTC
const auto kDate = std::chrono::system_clock::time_point{std::chrono::seconds{1751357109}};

MailMessage BasicMessage() {
    return MailMessage{
        .from = Mailbox::Make("sealpost", "noreply@files.example.se"),
        .to = {Mailbox::Make("Bo Ek", "bo@example.com")},
        .subject = "Files from Anna",
        .text_body = "Hello Bo,\nAnna has sent you files.\n",
        .date = kDate,
        .message_id = "<abc123@files.example.se>",
    };
}

Strings HeaderNames(const json& parsed) {
    return parsed["header_names"].get<Strings>();
}

// Structural rules every rendered message follows.
void CheckStructure(const std::string& message) {
    const auto lines = CrlfLines(message);
    bool in_headers = true;
    for (const std::string& line : lines) {
        INFO("line: " << line);
        if (line.empty())
            in_headers = false;
        CHECK(line.size() <= (in_headers ? kMaxHeaderLine : kMaxQuotedPrintableLine));
    }
    CHECK(message.ends_with("\r\n"));
}

} // namespace

TEST_CASE("a plain message renders and parses back") {
    const std::string message = BasicMessage().Render();
    CheckStructure(message);
    CHECK(message.starts_with("From: \"sealpost\" <noreply@files.example.se>\r\n"
                              "To: \"Bo Ek\" <bo@example.com>\r\n"
                              "Subject: Files from Anna\r\n"
                              "Date: Tue, 01 Jul 2025 08:05:09 +0000\r\n"
                              "Message-ID: <abc123@files.example.se>\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: text/plain; charset=UTF-8\r\n"
                              "Content-Transfer-Encoding: quoted-printable\r\n"
                              "\r\n"));

    const json parsed = ParseWithPython(message);
    CHECK(parsed["defects"].empty());
    CHECK(parsed["subject"] == "Files from Anna");
    CHECK(parsed["from"] ==
          json::parse(R"([{"name":"sealpost","address":"noreply@files.example.se"}])"));
    CHECK(parsed["to"] == json::parse(R"([{"name":"Bo Ek","address":"bo@example.com"}])"));
    CHECK_FALSE(parsed["multipart"].get<bool>());
    REQUIRE(parsed["parts"].size() == 1);
    CHECK(parsed["parts"][0]["type"] == "text/plain");
    CHECK(parsed["parts"][0]["charset"] == "utf-8");
    CHECK(parsed["parts"][0]["content"] == "Hello Bo,\nAnna has sent you files.\n\n");
}

TEST_CASE("UTF-8 subject, names and bodies round-trip") {
    MailMessage m = BasicMessage();
    m.from = Mailbox::Make("Åsa Öberg (Region Uppsala)", "asa@regionuppsala.se");
    m.to = {Mailbox::Make("Björn Ärlig", "bjorn@example.com"),
            Mailbox::Make("Berg, \"Bo\"", "bo@example.com"), Mailbox::Make("", "c@example.com")};
    m.cc = {Mailbox::Make("Zoë 😀", "zoe@example.com")};
    m.reply_to = Mailbox::Make("Åsa", "asa@regionuppsala.se");
    m.subject = "Överföring: filer från Åsa – 3 st 📁";
    m.text_body = "Hej Björn!\n\nHär är filerna. Lösenordet får du per SMS.\n";
    m.html_body = "<p>Hej Björn!</p>\n<p>Här är filerna.</p>";
    const std::string message = m.Render();
    CheckStructure(message);

    const json parsed = ParseWithPython(message);
    CHECK(parsed["defects"].empty());
    CHECK(parsed["subject"] == m.subject);
    CHECK(parsed["from"][0]["name"] == "Åsa Öberg (Region Uppsala)");
    CHECK(parsed["to"] == json::parse(R"([{"name":"Björn Ärlig","address":"bjorn@example.com"},
        {"name":"Berg, \"Bo\"","address":"bo@example.com"},{"name":"","address":"c@example.com"}])"));
    CHECK(parsed["cc"][0]["name"] == "Zoë 😀");
    CHECK(parsed["reply_to"][0]["address"] == "asa@regionuppsala.se");
    CHECK(parsed["multipart"].get<bool>());
    CHECK(parsed["content_type"] == "multipart/alternative");
    REQUIRE(parsed["parts"].size() == 2);
    CHECK(parsed["parts"][0]["type"] == "text/plain");
    CHECK(parsed["parts"][0]["encoding"] == "quoted-printable");
    CHECK(parsed["parts"][0]["content"] == m.text_body);
    CHECK(parsed["parts"][1]["type"] == "text/html");
    CHECK(parsed["parts"][1]["content"] == *m.html_body);
}

TEST_CASE("header injection through subject, names and bodies is impossible") {
    MailMessage m = BasicMessage();
    m.subject = "x\r\nBcc: evil@x.se";
    m.from = Mailbox::Make("Eve\r\nBcc: evil@x.se\r\nSubject: y", "eve@example.com");
    m.to = {Mailbox::Make("x\nSubject: y", "bo@example.com")};
    m.text_body = "x\r\nBcc: evil@x\r\n\r\nSubject: y\n";
    m.extra_headers = {{"X-Note", "a\r\nBcc: evil@x.se"}};
    const std::string message = m.Render();
    CheckStructure(message);
    CHECK(CountHeader(message, "Subject") == 1);
    CHECK(CountHeader(message, "Bcc") == 0);

    const json parsed = ParseWithPython(message);
    CHECK(HeaderNames(parsed) == Strings{"From", "To", "Subject", "Date", "Message-ID",
                                         "MIME-Version", "X-Note", "Content-Type",
                                         "Content-Transfer-Encoding"});
    CHECK(parsed["subject"] == "x Bcc: evil@x.se");
    CHECK(parsed["from"][0]["name"] == "Eve Bcc: evil@x.se Subject: y");
    CHECK(parsed["to"][0]["name"] == "x Subject: y");
    CHECK(parsed["headers"][6] == json::array({"X-Note", "a Bcc: evil@x.se"}));
    CHECK(parsed["parts"][0]["content"] == "x\nBcc: evil@x\n\nSubject: y\n\n");

    m.subject = "x\nSubject: y";
    const json again = ParseWithPython(m.Render());
    CHECK(again["subject"] == "x Subject: y");
}

TEST_CASE("encoded-word-like literal text stays literal") {
    MailMessage m = BasicMessage();
    m.subject = "=?UTF-8?B?SGFja2Vk?=";
    m.to = {Mailbox::Make("=?UTF-8?B?SGFja2Vk?=", "bo@example.com")};
    const json parsed = ParseWithPython(m.Render());
    CHECK(parsed["subject"] == "=?UTF-8?B?SGFja2Vk?=");
    CHECK(parsed["to"][0]["name"] == "=?UTF-8?B?SGFja2Vk?=");
}

TEST_CASE("very long subjects and names are folded and round-trip") {
    MailMessage m = BasicMessage();
    std::string words;
    for (int i = 0; i < 60; ++i)
        words += (i ? " " : "") + std::string("ord") + std::to_string(i);
    for (const std::string& subject : std::vector<std::string>{
             words, std::string(500, 'x'), std::string(300, 'a') + "ä", words + " ÅÄÖ " + words}) {
        m.subject = subject;
        m.to = {Mailbox::Make(subject, "bo@example.com")};
        const std::string message = m.Render();
        CheckStructure(message);
        const json parsed = ParseWithPython(message);
        CHECK(parsed["defects"].empty());
        CHECK(parsed["subject"] == subject);
        // Python's address parser joins adjacent encoded-words with a space,
        // against RFC 2047 §6.2; its RFC 2047 decoder does not.
        CHECK(parsed["to_rfc2047"][0]["name"] == subject);
        CHECK(parsed["to_rfc2047"][0]["address"] == "bo@example.com");
    }
}

TEST_CASE("bodies with awkward lines round-trip through quoted-printable") {
    MailMessage m = BasicMessage();
    m.text_body = ".\n.leading dot\nFrom the start\ntrailing spaces   \ntab\t\n" +
                  std::string(300, 'l') + "\n" + std::string(100, '=') + "\n--" +
                  "=_sp_fake boundary\n";
    m.html_body = "<pre>" + m.text_body + "</pre>";
    const std::string message = m.Render();
    CheckStructure(message);
    for (const std::string& line : CrlfLines(message)) {
        CHECK_FALSE(line.starts_with("."));
        CHECK_FALSE(line.starts_with("From "));
    }
    const json parsed = ParseWithPython(message);
    CHECK(parsed["parts"][0]["content"] == m.text_body);
    CHECK(parsed["parts"][1]["content"] == *m.html_body);
}

TEST_CASE("the MIME boundary is random and absent from the bodies") {
    MailMessage m = BasicMessage();
    m.text_body = "text";
    m.html_body = "<b>html</b>";
    std::set<std::string> boundaries;
    for (int i = 0; i < 20; ++i) {
        const std::string message = m.Render();
        const std::size_t at = message.find("boundary=\"");
        REQUIRE(at != message.npos);
        const std::string boundary = message.substr(at + 10, message.find('"', at + 10) - at - 10);
        CHECK(boundary.size() >= 24);
        boundaries.insert(boundary);
        // The boundary appears only as the three delimiters and the parameter.
        std::size_t count = 0;
        for (std::size_t p = 0; (p = message.find(boundary, p)) != message.npos; ++p)
            ++count;
        CHECK(count == 4);
    }
    CHECK(boundaries.size() == 20);
}

TEST_CASE("bcc is never a header but is an envelope recipient") {
    MailMessage m = BasicMessage();
    m.cc = {Mailbox::Make("", "carl@example.com"), Mailbox::Make("", "BO@example.com")};
    m.bcc = {Mailbox::Make("Secret", "secret@example.com"), Mailbox::Make("", "carl@EXAMPLE.com")};
    const std::string message = m.Render();
    CHECK(CountHeader(message, "Bcc") == 0);
    CHECK(message.find("secret") == std::string::npos);
    CHECK(m.EnvelopeRecipients() ==
          Strings{"bo@example.com", "carl@example.com", "secret@example.com"});

    m.to.clear();
    m.cc.clear();
    const std::string bcc_only = m.Render();
    CHECK(bcc_only.find("To: undisclosed-recipients:;\r\n") != std::string::npos);
    CHECK(bcc_only.find("secret") == std::string::npos);
    CHECK(ParseWithPython(bcc_only)["defects"].empty());

    m.bcc.clear();
    CHECK_THROWS_AS(m.Render(), std::invalid_argument);
}

TEST_CASE("extra headers are added; reserved and malformed names are refused") {
    MailMessage m = BasicMessage();
    m.extra_headers = {{"Auto-Submitted", "auto-generated"}, {"X-Sealpost-Transfer", "tr_123"}};
    const std::string message = m.Render();
    CHECK(message.find("\r\nAuto-Submitted: auto-generated\r\nX-Sealpost-Transfer: tr_123\r\n") !=
          std::string::npos);

    for (const char* name :
         {"Bcc", "subject", "FROM", "Content-Type", "Message-ID", "X Bad", "X\r\nBcc", ""}) {
        m.extra_headers = {{name, "v"}};
        CHECK_THROWS_AS(m.Render(), std::invalid_argument);
    }
}

TEST_CASE("Message-ID: generated with random bytes, or checked when given") {
    MailMessage m = BasicMessage();
    m.message_id.clear();
    const json first = ParseWithPython(m.Render());
    std::string id;
    for (const auto& header : first["headers"])
        if (header[0] == "Message-ID")
            id = header[1];
    CHECK(id.size() == 1 + 32 + 1 + std::string("files.example.se").size() + 1);
    CHECK(id.ends_with("@files.example.se>"));

    m.message_id_domain = "Mail.Example.ORG";
    CHECK(m.Render().find("@mail.example.org>\r\n") != std::string::npos);

    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i)
        ids.insert(MailMessage::NewMessageId("example.se"));
    CHECK(ids.size() == 100);
    CHECK_THROWS_AS(MailMessage::NewMessageId("bad domain"), std::invalid_argument);

    for (const char* bad : {"abc@x", "<abc>", "<a b@x>", "<a@x>\r\nBcc: e@x", "<@x>", "<a@>"}) {
        m.message_id = bad;
        CHECK_THROWS_AS(m.Render(), std::invalid_argument);
    }
}

TEST_CASE("mailboxes refuse unsafe addresses and parse the from setting") {
    const Mailbox from = Mailbox::Parse("sealpost <noreply@localhost>");
    CHECK(from.display_name == "sealpost");
    CHECK(from.address.ToString() == "noreply@localhost");
    CHECK(Mailbox::Parse("\"Berg, Anna\" <anna@x.se>").display_name == "Berg, Anna");
    CHECK(Mailbox::Parse("anna@x.se").display_name.empty());

    for (const char* bad : {"a@x.se\r\nBcc: e@x.se", "a@x.se\n", "<a@x.se>", "a<b@x.se", "a@x.se>",
                            "a\x01@x.se", "a @x.se", ""})
        CHECK_THROWS_AS(Mailbox::Make("Name", bad), std::invalid_argument);
    CHECK_THROWS_WITH(Mailbox::Make("", "a@x.se\r\nBcc: e@x.se"),
                      Catch::Contains("control character"));
    CHECK_THROWS_AS(Mailbox::Parse("Anna <anna@x.se"), std::invalid_argument);
}

TEST_CASE("invalid UTF-8 in user text becomes U+FFFD") {
    MailMessage m = BasicMessage();
    m.subject = "bad \xff byte";
    m.text_body = "body \xc3 cut";
    const json parsed = ParseWithPython(m.Render());
    CHECK(parsed["subject"] == "bad \xef\xbf\xbd byte");
    CHECK(parsed["parts"][0]["content"] == "body \xef\xbf\xbd cut\n");
}

TEST_CASE("dates are RFC 5322, in UTC") {
    CHECK(FormatMailDate(kDate) == "Tue, 01 Jul 2025 08:05:09 +0000");
    CHECK(FormatMailDate(std::chrono::system_clock::time_point{}) ==
          "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(FormatMailDate(std::chrono::system_clock::time_point{std::chrono::seconds{951782400}}) ==
          "Tue, 29 Feb 2000 00:00:00 +0000");
}
