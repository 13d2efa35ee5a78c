#include "policy/Recipients.hxx"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sealpost;

namespace {

std::vector<std::string> Addresses(const ParsedRecipients& parsed) {
    std::vector<std::string> out;
    for (const EmailAddress& a : parsed.addresses)
        out.push_back(a.ToString());
    return out;
}

std::vector<std::string> InvalidEntries(const ParsedRecipients& parsed) {
    std::vector<std::string> out;
    for (const InvalidRecipient& r : parsed.invalid)
        out.push_back(r.entry);
    return out;
}

using Strings = std::vector<std::string>;

} // namespace

TEST_CASE("recipients split on every separator") {
    const auto parsed =
        ParseRecipients("a@x.se,b@x.se;c@x.se d@x.se\ne@x.se\r\nf@x.se\tg@x.se , ;\n\n h@x.se ");
    CHECK(Addresses(parsed) ==
          Strings{"a@x.se", "b@x.se", "c@x.se", "d@x.se", "e@x.se", "f@x.se", "g@x.se", "h@x.se"});
    CHECK(parsed.invalid.empty());
}

TEST_CASE("empty input and separators only give nothing") {
    CHECK(ParseRecipients("").Empty());
    CHECK(ParseRecipients(" ,; \r\n\t ").Empty());
}

TEST_CASE("Name <addr> forms are accepted, with or without quotes") {
    const auto parsed =
        ParseRecipients("Anna Berg <anna@x.se>, \"Berg, Bo\" <bo@x.se>; <cecilia@x.se>\n"
                        "David<david@x.se> \"Eva \\\"E\\\" Ek\" < eva@x.se >");
    CHECK(Addresses(parsed) ==
          Strings{"anna@x.se", "bo@x.se", "cecilia@x.se", "david@x.se", "eva@x.se"});
    CHECK(parsed.invalid.empty());
}

TEST_CASE("duplicates merge case-insensitively, keeping the first occurrence") {
    const auto parsed =
        ParseRecipients("Anna@X.se, bo@x.se\nANNA@x.SE; Bo <BO@X.SE> anna@x.se, c@x.se");
    CHECK(Addresses(parsed) == Strings{"Anna@x.se", "bo@x.se", "c@x.se"});
}

TEST_CASE("invalid entries are reported with reasons, valid ones kept") {
    const auto parsed =
        ParseRecipients("a@x.se, not-an-address, b@@x.se; c@räk.se <>\nAnna d@x.se, foo, foo");
    CHECK(Addresses(parsed) == Strings{"a@x.se", "d@x.se"});
    CHECK(InvalidEntries(parsed) ==
          Strings{"not-an-address", "b@@x.se", "c@räk.se", "<>", "Anna", "foo"});
    REQUIRE(parsed.invalid.size() == 6);
    CHECK(parsed.invalid[0].error.code == "missing_at");
    CHECK(parsed.invalid[1].error.code == "multiple_at");
    CHECK(parsed.invalid[2].error.code == "domain_not_ascii");
    CHECK(parsed.invalid[3].error.code == "empty");
    CHECK(parsed.invalid[4].error.code == "missing_at");
}

TEST_CASE("unterminated quotes and brackets are invalid entries") {
    auto parsed = ParseRecipients("a@x.se, <b@x.se, c@x.se");
    CHECK(Addresses(parsed) == Strings{"a@x.se", "c@x.se"});
    CHECK(InvalidEntries(parsed) == Strings{"<b@x.se"});
    CHECK(parsed.invalid[0].error.code == "unterminated_angle");

    parsed = ParseRecipients("a@x.se \"Anna <anna@x.se>");
    CHECK(Addresses(parsed) == Strings{"a@x.se"});
    CHECK(parsed.invalid.at(0).error.code == "unterminated_quote");

    parsed = ParseRecipients("\"Anna\", b@x.se");
    CHECK(Addresses(parsed) == Strings{"b@x.se"});
    CHECK(parsed.invalid.at(0).error.code == "missing_address");
}

TEST_CASE("a list of fields, each with several entries, merges duplicates across fields") {
    const Strings items{"a@x.se, b@x.se", "B@x.se c@x.se", "", "bad"};
    const auto parsed = ParseRecipients(items);
    CHECK(Addresses(parsed) == Strings{"a@x.se", "b@x.se", "c@x.se"});
    CHECK(InvalidEntries(parsed) == Strings{"bad"});
}

TEST_CASE("injection attempts inside the field never become addresses") {
    const auto parsed = ParseRecipients("a@x.se\r\nBcc: evil@x.se");
    // Splitting on the line break yields "Bcc:" (invalid) and evil@x.se as a
    // separate, ordinary recipient that the sender typed and will see.
    CHECK(Addresses(parsed) == Strings{"a@x.se", "evil@x.se"});
    CHECK(InvalidEntries(parsed) == Strings{"Bcc:"});
}
