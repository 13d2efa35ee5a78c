#include "mail/QuotedPrintable.hxx"

#include "MailTestSupport.hxx"
#include "lib/sodium/Random.hxx"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sealpost;
using sealpost::test::CrlfLines;
using sealpost::test::QuotedPrintableDecode;

namespace {

// Every physical line obeys the limits and the extra guarantees.
void CheckLines(const std::string& encoded) {
    for (const std::string& line : CrlfLines(encoded)) {
        INFO("line: " << line);
        CHECK(line.size() <= kMaxQuotedPrintableLine);
        CHECK_FALSE(line.starts_with("."));
        CHECK_FALSE(line.starts_with("From "));
        if (!line.empty()) {
            CHECK(line.back() != ' ');
            CHECK(line.back() != '\t');
        }
        CHECK(std::all_of(line.begin(), line.end(),
                          [](char c) { return (c >= 0x20 && c <= 0x7e) || c == '\t'; }));
    }
}

} // namespace

TEST_CASE("quoted-printable basics") {
    CHECK(QuotedPrintableEncode("") == "");
    CHECK(QuotedPrintableEncode("Hello, world!") == "Hello, world!");
    CHECK(QuotedPrintableEncode("a=b") == "a=3Db");
    CHECK(QuotedPrintableEncode("Hej då") == "Hej d=C3=A5");
    CHECK(QuotedPrintableEncode("tab\there") == "tab\there");
    CHECK(QuotedPrintableEncode("nul\0x") == "nul"); // a C string stops at NUL
    CHECK(QuotedPrintableEncode(std::string_view{"nul\0x", 5}) == "nul=00x");
}

TEST_CASE("line breaks of every kind become CRLF") {
    CHECK(QuotedPrintableEncode("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\r\nd\r\n");
    CHECK(QuotedPrintableEncode("\n\n") == "\r\n\r\n");
}

TEST_CASE("trailing whitespace is encoded") {
    CHECK(QuotedPrintableEncode("end \nnext\t\nlast ") == "end=20\r\nnext=09\r\nlast=20");
    CHECK(QuotedPrintableEncode("   ") == "  =20");
}

TEST_CASE("lines starting with a dot or From are protected") {
    CHECK(QuotedPrintableEncode(".") == "=2E");
    CHECK(QuotedPrintableEncode(".hidden\n..two") == "=2Ehidden\r\n=2E.two");
    CHECK(QuotedPrintableEncode("From me\nFrom: header\nFromage") ==
          "=46rom me\r\nFrom: header\r\nFromage");
    CHECK(QuotedPrintableEncode("a.b From x") == "a.b From x");
}

TEST_CASE("long lines are split with soft breaks at 76 characters") {
    CHECK(QuotedPrintableEncode(std::string(76, 'a')) == std::string(76, 'a'));
    CHECK(QuotedPrintableEncode(std::string(77, 'a')) == std::string(75, 'a') + "=\r\n" + "aa");
    // An escape is never split across lines.
    const std::string mixed = std::string(74, 'a') + "ééé";
    const std::string encoded = QuotedPrintableEncode(mixed);
    CheckLines(encoded);
    CHECK(QuotedPrintableDecode(encoded) == mixed);
    // A continuation line that would start with "." or "From " is protected too.
    const std::string dots = std::string(75, 'x') + ".after" + std::string(70, 'y') + "From here";
    const std::string encoded_dots = QuotedPrintableEncode(dots);
    CheckLines(encoded_dots);
    CHECK(QuotedPrintableDecode(encoded_dots) == dots);
}

TEST_CASE("random text round-trips and respects every line rule") {
    const std::string_view alphabet[] = {"a", " ", "\t", ".", "=",    "\n", "\r\n", "From ",
                                         "é", "€", "😀",  "x", "\x01", "-",  "\xff"};
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        const auto length = sodium::RandomUniform(300);
        for (std::uint32_t i = 0; i < length; ++i)
            text += alphabet[sodium::RandomUniform(std::size(alphabet))];
        const std::string encoded = QuotedPrintableEncode(text);
        INFO("text: " << text);
        CheckLines(encoded);
        std::string expected = text;
        for (std::size_t p; (p = expected.find("\r\n")) != expected.npos;)
            expected.replace(p, 2, "\n");
        CHECK(QuotedPrintableDecode(encoded) == expected);
    }
}
