#include "mail/HeaderEncoding.hxx"

#include "MailTestSupport.hxx"
#include "policy/Utf8.hxx"
#include "util/Base64.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using sealpost::test::CrlfLines;

namespace {

// Lines of a rendered field, without the final empty piece.
std::vector<std::string> FieldLines(const std::string& field) {
    REQUIRE(field.ends_with("\r\n"));
    return CrlfLines(std::string_view{field}.substr(0, field.size() - 2));
}

// Decodes a field made only of encoded-words, checking each on its own:
// at most 75 characters and whole UTF-8 characters inside.
std::string DecodeEncodedWords(const std::string& field, std::string_view name) {
    std::string joined;
    for (const std::string& line : FieldLines(field))
        joined += line;
    REQUIRE(joined.starts_with(std::string(name) + ": "));
    std::string_view rest = std::string_view{joined}.substr(name.size() + 2);
    std::string out;
    while (!rest.empty()) {
        while (rest.starts_with(' '))
            rest.remove_prefix(1);
        const std::size_t end = rest.find("?=", 10);
        REQUIRE(rest.starts_with("=?UTF-8?B?"));
        REQUIRE(end != rest.npos);
        const std::string_view word = rest.substr(0, end + 2);
        CHECK(word.size() <= kMaxEncodedWord);
        const auto bytes = Base64DecodeToString(word.substr(10, word.size() - 12));
        REQUIRE(bytes);
        CHECK(utf8::Sanitize(*bytes) == *bytes); // no character split between words
        out += *bytes;
        rest.remove_prefix(word.size());
    }
    return out;
}

void CheckFolding(const std::string& field) {
    const auto lines = FieldLines(field);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO("line: " << lines[i]);
        CHECK(lines[i].size() <= kMaxHeaderLine);
        if (i > 0)
            CHECK(lines[i].starts_with(' '));
        CHECK_FALSE(lines[i].ends_with(' '));
    }
}

} // namespace

TEST_CASE("header text is sanitised into one line") {
    CHECK(SanitizeHeaderText("plain") == "plain");
    CHECK(SanitizeHeaderText("x\r\nBcc: evil@x") == "x Bcc: evil@x");
    CHECK(SanitizeHeaderText("a\tb\x01\x7f"
                             "c") == "a b c");
    CHECK(SanitizeHeaderText("a\xc2\x85"
                             "b") == "a b"); // NEL, a C1 control
    CHECK(SanitizeHeaderText("bad \xff byte") == "bad \xef\xbf\xbd byte");
    CHECK(SanitizeHeaderText("åäö 😀") == "åäö 😀");
}

TEST_CASE("plain ASCII subjects are written as they are") {
    CHECK(RenderUnstructuredHeader("Subject", "Files from Anna") == "Subject: Files from Anna\r\n");
    CHECK(RenderUnstructuredHeader("Subject", "") == "Subject:\r\n");
}

TEST_CASE("long plain subjects are folded at spaces") {
    std::string subject;
    for (int i = 0; i < 40; ++i)
        subject += (i ? " " : "") + std::string("word") + std::to_string(i);
    const std::string field = RenderUnstructuredHeader("Subject", subject);
    CheckFolding(field);
    CHECK(FieldLines(field).size() > 3);
    // Unfolding (removing each CRLF) gives back the text.
    std::string unfolded;
    for (const std::string& line : FieldLines(field))
        unfolded += line;
    CHECK(unfolded == "Subject: " + subject);
}

TEST_CASE("non-ASCII, encoded-word-like and awkward text becomes encoded-words") {
    for (const std::string& value :
         std::vector<std::string>{"Överföring från Åsa", "=?UTF-8?B?SGk=?=", "x=?y", " leading",
                                  "trailing ", "double  space", std::string(100, 'x'), "😀😀😀"}) {
        const std::string field = RenderUnstructuredHeader("Subject", value);
        INFO("field: " << field);
        CheckFolding(field);
        CHECK(DecodeEncodedWords(field, "Subject") == value);
    }
}

TEST_CASE("long non-ASCII text is split into words of whole characters") {
    std::string value;
    for (int i = 0; i < 120; ++i)
        value += (i % 3 == 0) ? "å" : (i % 3 == 1) ? "€" : "😀";
    const std::string field = RenderUnstructuredHeader("Subject", value);
    CheckFolding(field);
    CHECK(DecodeEncodedWords(field, "Subject") == value);

    // A long header name leaves little room on the first line.
    const std::string name(70, 'X');
    const std::string long_name = RenderUnstructuredHeader(name, "åäö");
    CheckFolding(long_name);
    CHECK(DecodeEncodedWords(long_name, name) == "åäö");
}

TEST_CASE("address headers quote or encode display names") {
    const Mailbox anna = Mailbox::Make("Anna Berg", "anna@example.se");
    const Mailbox bo = Mailbox::Make("Berg, \"Bo\" \\ B", "bo@example.se");
    const Mailbox bare = Mailbox::Make("", "c@example.se");
    const Mailbox asa = Mailbox::Make("Åsa Öberg", "asa@example.se");
    CHECK(RenderAddressHeader("To", std::vector{anna}) ==
          "To: \"Anna Berg\" <anna@example.se>\r\n");
    CHECK(RenderAddressHeader("To", std::vector{bo}) ==
          "To: \"Berg, \\\"Bo\\\" \\\\ B\" <bo@example.se>\r\n");
    CHECK(RenderAddressHeader("To", std::vector{bare}) == "To: <c@example.se>\r\n");
    CHECK(RenderAddressHeader("To", std::vector{asa}) ==
          "To: =?UTF-8?B?w4VzYSDDlmJlcmc=?= <asa@example.se>\r\n");

    std::vector<Mailbox> many;
    for (int i = 0; i < 12; ++i)
        many.push_back(
            Mailbox::Make("Person " + std::to_string(i), "p" + std::to_string(i) + "@example.se"));
    CheckFolding(RenderAddressHeader("Cc", many));
}

TEST_CASE("header names") {
    CHECK(IsValidHeaderName("Auto-Submitted"));
    CHECK(IsValidHeaderName("X-Sealpost-Transfer"));
    CHECK_FALSE(IsValidHeaderName(""));
    CHECK_FALSE(IsValidHeaderName("X Bad"));
    CHECK_FALSE(IsValidHeaderName("X:Bad"));
    CHECK_FALSE(IsValidHeaderName("X\r\nBcc"));
    CHECK_FALSE(IsValidHeaderName("Ärende"));
}
