#include "policy/EmailAddress.hxx"

#include <catch2/catch.hpp>

#include <string>

using namespace sealpost;

namespace {

std::string ErrorCode(std::string_view text, EmailAddress::Options options = {}) {
    AddressError error;
    if (EmailAddress::Parse(text, &error, options))
        return "ok";
    CHECK_FALSE(error.message.empty());
    return error.code;
}

} // namespace

TEST_CASE("valid addresses are accepted and the domain is lower-cased") {
    const auto a = EmailAddress::Parse("Anna.Berg+tag@RegionUppsala.SE");
    REQUIRE(a);
    CHECK(a->LocalPart() == "Anna.Berg+tag");
    CHECK(a->Domain() == "regionuppsala.se");
    CHECK(a->ToString() == "Anna.Berg+tag@regionuppsala.se");
    CHECK(a->Key() == "anna.berg+tag@regionuppsala.se");

    for (const char* ok : {"a@b.se", "x_y-z@sub.example.com", "o'neil@example.ie",
                           "user!#$%&*/=?^`{|}~@xn--rksmrgs-5wao1o.se", "a@1-2.example.museum"})
        CHECK(ErrorCode(ok) == "ok");
}

TEST_CASE("case-insensitive comparison for de-duplication") {
    const auto a = EmailAddress::Parse("Bo@Example.com");
    const auto b = EmailAddress::Parse("bo@example.COM");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->SameMailbox(*b));
    CHECK_FALSE(*a == *b); // the local part keeps its case
    CHECK(a->Key() == b->Key());
}

TEST_CASE("malformed addresses are refused with a reason code") {
    CHECK(ErrorCode("") == "empty");
    CHECK(ErrorCode("anna.example.com") == "missing_at");
    CHECK(ErrorCode("a@b@example.com") == "multiple_at");
    CHECK(ErrorCode("@example.com") == "local_part_empty");
    CHECK(ErrorCode("anna@") == "domain_empty");
    CHECK(ErrorCode(".anna@example.com") == "local_part_invalid");
    CHECK(ErrorCode("anna.@example.com") == "local_part_invalid");
    CHECK(ErrorCode("an..na@example.com") == "local_part_invalid");
    CHECK(ErrorCode("\"anna\"@example.com") == "quoted_local_part");
    CHECK(ErrorCode("anna@[192.0.2.1]") == "domain_literal");
    CHECK(ErrorCode("anna@example..com") == "domain_invalid");
    CHECK(ErrorCode("anna@.example.com") == "domain_invalid");
    CHECK(ErrorCode("anna@example.com.") == "domain_invalid");
    CHECK(ErrorCode("anna@-example.com") == "domain_invalid");
    CHECK(ErrorCode("anna@example-.com") == "domain_invalid");
    CHECK(ErrorCode("anna@192.0.2.1") == "domain_invalid");
    CHECK(ErrorCode("anna@exa_mple.com") == "invalid_character");
    CHECK(ErrorCode("an(na)@example.com") == "invalid_character");
    CHECK(ErrorCode("anna@localhost") == "domain_single_label");
    CHECK(ErrorCode("admin@localhost", {.allow_single_label_domain = true}) == "ok");
}

TEST_CASE("controls, spaces and brackets are refused outright") {
    CHECK(ErrorCode("anna@example.com\r\nBcc: evil@x.se") == "invalid_character");
    CHECK(ErrorCode("anna@example.com\n") == "invalid_character");
    CHECK(ErrorCode(std::string_view{"anna\0@example.com", 18}) == "invalid_character");
    CHECK(ErrorCode("anna @example.com") == "invalid_character");
    CHECK(ErrorCode("<anna@example.com>") == "invalid_character");
    CHECK(ErrorCode("anna@example.com,bo@example.com") == "invalid_character");
    AddressError error;
    CHECK_FALSE(EmailAddress::Parse("a\tb@example.com", &error));
    CHECK(error.message == "the address contains the control character U+0009");
}

TEST_CASE("non-ASCII addresses are refused with a clear reason") {
    AddressError error;
    CHECK_FALSE(EmailAddress::Parse("anna@räksmörgås.se", &error));
    CHECK(error.code == "domain_not_ascii");
    CHECK(error.message.find("xn--") != std::string::npos);
    CHECK(ErrorCode("åsa@example.se") == "local_part_not_ascii");
}

TEST_CASE("length limits: 64 local, 63 per label, 254 in all") {
    const std::string local64(64, 'a');
    CHECK(ErrorCode(local64 + "@example.com") == "ok");
    CHECK(ErrorCode(local64 + "a@example.com") == "local_part_too_long");

    const std::string label63(63, 'b');
    CHECK(ErrorCode("a@" + label63 + ".se") == "ok");
    CHECK(ErrorCode("a@" + label63 + "b.se") == "domain_invalid");

    // 64 + 1 + 189 = 254 characters is the longest address.
    const std::string domain189 = label63 + "." + label63 + "." + std::string(58, 'c') + ".se";
    REQUIRE(domain189.size() == 189);
    CHECK(ErrorCode(local64 + "@" + domain189) == "ok");
    CHECK(ErrorCode(local64 + "@d." + domain189) == "too_long");

    std::string huge_domain;
    for (int i = 0; i < 5; ++i)
        huge_domain += label63 + ".";
    huge_domain += "se";
    CHECK(ErrorCode("a@" + huge_domain) == "domain_too_long");
}

TEST_CASE("domains are validated on their own") {
    CHECK(EmailAddress::ValidateDomain("regionuppsala.se"));
    AddressError error;
    CHECK_FALSE(EmailAddress::ValidateDomain("region uppsala.se", &error));
    CHECK(error.code == "invalid_character");
    CHECK(error.message == "the domain contains a space");
}
