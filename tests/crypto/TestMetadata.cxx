// Sealed metadata and QUICK personal keys.
#include "crypto/PersonalKey.hxx"
#include "crypto/SealedMetadata.hxx"
#include "util/Hex.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using namespace sealpost::crypto;

TEST_CASE("sealed metadata opens only with sk_T and the same ids", "[crypto][metadata]") {
    const auto identity = age::AgeIdentity::Generate();
    const std::string name = "Quarterly report (final) – Ä.pdf";
    const auto sealed =
        SealedMetadata::Seal(identity.Recipient(), {purpose::kFileName, {"T1", "F1"}}, name);
    CHECK(sealed.size() == 1 + 32 + 1 + 24 + name.size() + 16);
    CHECK(std::search(sealed.begin(), sealed.end(), name.begin(), name.begin() + 9) ==
          sealed.end());

    CHECK(SealedMetadata::Open(identity, {purpose::kFileName, {"T1", "F1"}}, sealed) == name);

    CHECK_FALSE(SealedMetadata::Open(identity, {purpose::kFileName, {"T1", "F2"}}, sealed));
    CHECK_FALSE(SealedMetadata::Open(identity, {purpose::kFileName, {"T2", "F1"}}, sealed));
    CHECK_FALSE(SealedMetadata::Open(identity, {purpose::kContentType, {"T1", "F1"}}, sealed));
    CHECK_FALSE(SealedMetadata::Open(age::AgeIdentity::Generate(),
                                     {purpose::kFileName, {"T1", "F1"}}, sealed));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto damaged = sealed;
        damaged[i] ^= 0x10;
        INFO("byte " << i);
        CHECK_FALSE(SealedMetadata::Open(identity, {purpose::kFileName, {"T1", "F1"}}, damaged));
    }

    const auto empty =
        SealedMetadata::Seal(identity.Recipient(), {purpose::kMessage, {"T1", ""}}, "");
    CHECK(SealedMetadata::Open(identity, {purpose::kMessage, {"T1", ""}}, empty) == "");
}

TEST_CASE("personal keys are BLAKE2b keyed with the client key", "[crypto][quick]") {
    SymmetricKey client_key;
    for (std::size_t i = 0; i < client_key.size(); ++i)
        client_key.data()[i] = static_cast<std::uint8_t>(i);
    // Computed independently (Python hashlib.blake2b, key=bytes(range(32)),
    // digest_size=32) over "sealpost/v1/personal-key\0alice@example.com".
    const auto key = PersonalKey(client_key, "alice@example.com");
    CHECK(HexEncode(key.Span()) ==
          "3dfc478cb758fc9317d27ed2422aaaa902b10058008f3015707814a7d86b3bc6");

    const auto same = PersonalKey(client_key, "  Alice@Example.COM\n");
    CHECK(HexEncode(same.Span()) == HexEncode(key.Span()));
    CHECK(HexEncode(PersonalKey(client_key, "bob@example.com").Span()) != HexEncode(key.Span()));
    CHECK(HexEncode(PersonalKey(SymmetricKey::Random(), "alice@example.com").Span()) !=
          HexEncode(key.Span()));
    CHECK(NormaliseAddress(" A.B@C.D ") == "a.b@c.d");
}
