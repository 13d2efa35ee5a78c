// Bech32 against BIP 173's vectors, and the age key encodings built on it.
#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/Bech32.hxx"

#include <catch2/catch.hpp>

#include <string>

using namespace sealpost;

TEST_CASE("Bech32 accepts BIP 173's valid strings and re-encodes them", "[age][bech32]") {
    for (const std::string_view text :
         {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
          "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"}) {
        INFO(text);
        const auto decoded = age::Bech32Decode(text);
        REQUIRE(decoded);
        const bool upper =
            text.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
        CHECK(age::Bech32Encode(decoded->hrp, decoded->data, upper) == text);
    }
}

TEST_CASE("Bech32 rejects BIP 173's invalid strings", "[age][bech32]") {
    for (const std::string& text : {
             std::string("\x20") + "1nwldj5", // hrp character out of range
             std::string("\x7f") + "1axkwrx", // hrp character out of range
             std::string("pzry9x0s0muk"),     // no separator
             std::string("1pzry9x0s0muk"),    // empty hrp
             std::string("x1b4n0q5v"),        // invalid data character
             std::string("li1dgmt3"),         // checksum too short
             std::string("A1G7SGD8"),         // checksum computed over the upper-case form
             std::string("10a06t8"),          // empty hrp
             std::string("1qzzfhee"),         // empty hrp
             std::string("a12UEL5L"),         // mixed case
         }) {
        INFO(text);
        CHECK_FALSE(age::Bech32Decode(text));
    }
}

TEST_CASE("age identities and recipients round-trip through their strings", "[age][bech32]") {
    // The identity from c2sp.org/age.
    const std::string text =
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    const auto identity = age::AgeIdentity::FromString(text);
    REQUIRE(identity);
    CHECK(identity->ToString() == text);
    for (const auto byte : identity->SecretKey())
        CHECK(byte == 0x42);

    const auto recipient_text = identity->Recipient().ToString();
    CHECK(recipient_text.rfind("age1", 0) == 0);
    const auto recipient = age::AgeRecipient::FromString(recipient_text);
    REQUIRE(recipient);
    CHECK(*recipient == identity->Recipient());

    const auto spec_recipient = age::AgeRecipient::FromString(
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
    REQUIRE(spec_recipient);
    CHECK(spec_recipient->ToString() ==
          "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");

    // Wrong human-readable parts, lengths and checksums are refused.
    CHECK_FALSE(age::AgeRecipient::FromString(text));
    CHECK_FALSE(age::AgeIdentity::FromString(recipient_text));
    auto damaged = text;
    damaged[20] = damaged[20] == 'Q' ? 'P' : 'Q';
    CHECK_FALSE(age::AgeIdentity::FromString(damaged));
    CHECK_FALSE(age::AgeRecipient::FromString("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"));

    const auto generated = age::AgeIdentity::Generate();
    const auto reparsed = age::AgeIdentity::FromString(generated.ToString());
    REQUIRE(reparsed);
    CHECK(reparsed->Recipient() == generated.Recipient());

    const auto from_file = age::AgeIdentity::FromKeyFile(
        "# created: 2024-01-01T00:00:00Z\n# public key: age1…\n\n" + text + "\n");
    REQUIRE(from_file);
    CHECK(from_file->ToString() == text);
}
