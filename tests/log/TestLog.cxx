// The log line format: JSON lines are always valid UTF-8 (bytes that are not
// well-formed UTF-8 are escaped as the text \xNN, never copied), control
// characters cannot split a line, and text lines quote and escape the same way.
#include "log/Log.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace sealpost;

namespace {

nlohmann::json JsonLine(std::string_view event, std::string value) {
    const std::string line =
        log::FormatLine(log::Format::json, log::Level::info, event, {{"value", std::move(value)}});
    REQUIRE(line.ends_with("\n"));
    REQUIRE(line.find('\n') == line.size() - 1);
    // nlohmann::json refuses invalid UTF-8 (it throws), so parsing is the check.
    return nlohmann::json::parse(line);
}

} // namespace

TEST_CASE("JSON lines: level, event and fields", "[log]") {
    const auto j = JsonLine("mail_sent", "ok");
    CHECK(j.at("level") == "info");
    CHECK(j.at("event") == "mail_sent");
    CHECK(j.at("value") == "ok");
    CHECK(j.at("time").get<std::string>().ends_with("Z"));
}

TEST_CASE("JSON lines stay valid UTF-8 whatever the bytes", "[log]") {
    // Well-formed UTF-8 is kept as it is.
    CHECK(JsonLine("e", "Åsa Öberg — 日本 🙂").at("value") == "Åsa Öberg — 日本 🙂");
    // Not UTF-8: a Latin-1 byte, a lone continuation byte, an overlong "/",
    // a UTF-16 surrogate, a code point above U+10FFFF, a truncated sequence,
    // 0xFF.
    CHECK(JsonLine("e", "caf\xe9").at("value") == "caf\\xe9");
    CHECK(JsonLine("e", "\x80x").at("value") == "\\x80x");
    CHECK(JsonLine("e", "\xc0\xaf").at("value") == "\\xc0\\xaf");
    CHECK(JsonLine("e", "\xed\xa0\x80").at("value") == "\\xed\\xa0\\x80");
    CHECK(JsonLine("e", "\xf4\x90\x80\x80").at("value") == "\\xf4\\x90\\x80\\x80");
    CHECK(JsonLine("e", "ab\xe6\x97").at("value") == "ab\\xe6\\x97");
    CHECK(JsonLine("e", "\xff").at("value") == "\\xff");
    // A valid sequence right after an invalid byte survives.
    CHECK(JsonLine("e", "\xe9\xc3\xa9").at("value") == "\\xe9\xc3\xa9");
    // Control characters are escaped; no raw new line can split the line.
    CHECK(JsonLine("e", "a\nb\r\t\x01\"\\").at("value") == "a\nb\r\t\x01\"\\");
    // The event name and keys get the same treatment.
    const std::string line =
        log::FormatLine(log::Format::json, log::Level::warn, "ev\xff", {{"k\xfe", "v"}});
    const auto j = nlohmann::json::parse(line);
    CHECK(j.at("event") == "ev\\xff");
    CHECK(j.at("k\\xfe") == "v");
}

TEST_CASE("Text lines quote and escape values", "[log]") {
    const std::string line = log::FormatLine(
        log::Format::text, log::Level::error, "handler_failed",
        {{"plain", "abc"}, {"spaced", "a b"}, {"evil", "x\ny=1"}, {"latin1", "caf\xe9"}});
    CHECK(line.find(" error handler_failed plain=abc spaced=\"a b\" evil=\"x\\ny=1\" "
                    "latin1=\"caf\\\\xe9\"\n") != std::string::npos);
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(log::FormatLine(log::Format::text, log::Level::info, "two words\n")
              .find(" info two_words_\n") != std::string::npos);
}
