// The age v1 header grammar: what ParseHeader accepts, what it rejects, and
// that it can be fed a growing prefix of a file.
#include "age/Header.hxx"
#include "age/X25519Stanza.hxx"
#include "lib/evp/Hkdf.hxx"
#include "lib/evp/Hmac.hxx"
#include "util/Base64.hxx"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace sealpost;

namespace {

std::span<const std::uint8_t> Bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// Appends a correct MAC line to `text`, which must end just before "---".
std::string WithMac(std::string text, const age::FileKey& file_key) {
    text += "---";
    std::array<std::uint8_t, 32> mac_key{}, mac{};
    evp::Hkdf(mac_key, file_key.Span(), {}, evp::AsBytes("header"));
    evp::HmacSha256(mac, mac_key, Bytes(text));
    return text + " " + Base64Encode(mac, Base64Alphabet::standard, false) + "\n";
}

std::string OurStanza(const age::AgeIdentity& identity, const age::FileKey& file_key) {
    return age::WrapFileKeyX25519(identity.Recipient(), file_key).Format();
}

age::AgeErrc Parse(const std::string& header, const age::AgeIdentity& identity) {
    age::ParsedHeader parsed;
    return age::ParseHeader(Bytes(header), identity, parsed);
}

} // namespace

TEST_CASE("a built header parses, also from a growing prefix", "[age][header]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto file_key = age::FileKey::Random();
    const std::string header = age::BuildHeader(identity.Recipient(), file_key);
    CHECK(header.rfind("age-encryption.org/v1\n-> X25519 ", 0) == 0);

    age::ParsedHeader parsed;
    REQUIRE(age::ParseHeader(Bytes(header + "payload bytes"), identity, parsed) ==
            age::AgeErrc::ok);
    CHECK(parsed.size == header.size());
    CHECK(std::equal(file_key.Span().begin(), file_key.Span().end(), parsed.file_key.data()));

    for (std::size_t length = 0; length < header.size(); ++length) {
        INFO("prefix " << length);
        CHECK(age::ParseHeader(Bytes(header).first(length), identity, parsed) ==
              age::AgeErrc::incomplete);
    }
}

TEST_CASE("unknown stanzas are skipped, and 64-column bodies are handled", "[age][header]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto file_key = age::FileKey::Random();
    // 48 bytes encode to exactly 64 characters: a full line and an empty final line.
    const std::string body64(64, 'A');
    const std::string other = "-> example.com/other arg1 arg2\n" + body64 + "\n\n";
    const std::string empty_body = "-> another-type\n\n";
    const std::string header = WithMac(
        "age-encryption.org/v1\n" + other + empty_body + OurStanza(identity, file_key), file_key);
    age::ParsedHeader parsed;
    REQUIRE(age::ParseHeader(Bytes(header), identity, parsed) == age::AgeErrc::ok);
    CHECK(parsed.size == header.size());

    // A second X25519 stanza for someone else, first, is tried and skipped.
    const auto stranger = age::AgeIdentity::Generate();
    const std::string two = WithMac("age-encryption.org/v1\n" + OurStanza(stranger, file_key) +
                                        OurStanza(identity, file_key),
                                    file_key);
    CHECK(Parse(two, identity) == age::AgeErrc::ok);
    CHECK(Parse(two, stranger) == age::AgeErrc::ok);
    CHECK(Parse(two, age::AgeIdentity::Generate()) == age::AgeErrc::no_matching_stanza);
}

TEST_CASE("headers that break the grammar are rejected", "[age][header]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto file_key = age::FileKey::Random();
    const std::string v1 = "age-encryption.org/v1\n";
    const std::string ours = OurStanza(identity, file_key);
    const auto share = ours.substr(10, 43);
    const auto body = ours.substr(54, 43);
    REQUIRE(ours == "-> X25519 " + share + "\n" + body + "\n");

    CHECK(Parse("hello world, this is not age", identity) == age::AgeErrc::not_age);
    CHECK(Parse("age-encr", identity) == age::AgeErrc::incomplete);
    CHECK(Parse("age-encryption.org/v2\n" + ours + "--- x\n", identity) ==
          age::AgeErrc::unsupported_version);
    CHECK(Parse("age-encryption.org/v1 \n" + ours, identity) == age::AgeErrc::unsupported_version);
    CHECK(Parse("age-encryption.org/v1\r\n" + ours, identity) == age::AgeErrc::unsupported_version);

    const std::map<std::string, std::string> malformed = {
        {"no stanza", WithMac(v1, file_key)},
        {"CRLF", WithMac(v1 + "-> X25519 " + share + "\r\n" + body + "\n", file_key)},
        {"arrow without space", WithMac(v1 + "->X25519 " + share + "\n" + body + "\n", file_key)},
        {"empty argument", WithMac(v1 + "-> X25519  " + share + "\n" + body + "\n", file_key)},
        {"no argument", WithMac(v1 + "-> \n\n" + ours, file_key)},
        {"three arguments", WithMac(v1 + "-> X25519 " + share + " x\n" + body + "\n", file_key)},
        {"padded share", WithMac(v1 + "-> X25519 " + share + "=\n" + body + "\n", file_key)},
        {"short share",
         WithMac(v1 + "-> X25519 " + share.substr(1) + "\n" + body + "\n", file_key)},
        {"padded body", WithMac(v1 + "-> X25519 " + share + "\n" + body + "=\n", file_key)},
        {"long body", WithMac(v1 + "-> X25519 " + share + "\n" + body + "AAAA\n", file_key)},
        {"line over 64", WithMac(v1 + "-> x\n" + std::string(65, 'A') + "\n\n" + ours, file_key)},
        {"scrypt mixed in",
         WithMac(v1 + "-> scrypt AAAAAAAAAAAAAAAAAAAAAA 10\n" + body + "\n" + ours, file_key)},
        {"mac without space",
         WithMac(v1 + ours, file_key).replace(v1.size() + ours.size() + 3, 1, "")},
        {"unknown line", WithMac(v1 + ours + "garbage\n", file_key)},
    };
    for (const auto& [name, header] : malformed) {
        INFO(name);
        CHECK(Parse(header, identity) == age::AgeErrc::malformed_header);
    }

    // Non-canonical base64: the last character of the 43-character body carries
    // two unused bits, which must be zero.
    std::string non_canonical = body;
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    non_canonical.back() = alphabet[alphabet.find(body.back()) | 1];
    CHECK(Parse(WithMac(v1 + "-> X25519 " + share + "\n" + non_canonical + "\n", file_key),
                identity) == age::AgeErrc::malformed_header);

    // A low-order share must abort decryption.
    CHECK(Parse(WithMac(v1 + "-> X25519 " + std::string(43, 'A') + "\n" + body + "\n", file_key),
                identity) == age::AgeErrc::weak_share);

    // A well-formed MAC that is wrong.
    auto wrong_mac = WithMac(v1 + ours, file_key);
    wrong_mac[wrong_mac.size() - 5] = wrong_mac[wrong_mac.size() - 5] == 'A' ? 'B' : 'A';
    CHECK(Parse(wrong_mac, identity) == age::AgeErrc::bad_header_mac);

    // An endless header stops at the size limit.
    std::string huge = v1 + "-> x\n";
    while (huge.size() <= age::kMaxHeaderSize)
        huge += std::string(64, 'A') + "\n";
    CHECK(Parse(huge, identity) == age::AgeErrc::header_too_large);
}
