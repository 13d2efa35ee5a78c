// Known-answer tests of the OpenSSL adapter against the RFC test vectors.
#include "lib/evp/ChaCha20Poly1305.hxx"
#include "lib/evp/Digest.hxx"
#include "lib/evp/Hkdf.hxx"
#include "lib/evp/Hmac.hxx"
#include "util/Hex.hxx"

#include <catch2/catch.hpp>

#include <array>
#include <string_view>
#include <vector>

using namespace sealpost;

namespace {

/// Decodes a hex constant; the constants here are valid, so no check is needed
/// (and none may run: some are decoded during static initialisation).
std::vector<std::uint8_t> Hex(std::string_view text) {
    return HexDecode(text).value();
}

std::vector<std::uint8_t> Bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

template <std::size_t N>
std::span<const std::uint8_t, N> Fixed(const std::vector<std::uint8_t>& v) {
    REQUIRE(v.size() == N);
    return std::span<const std::uint8_t, N>{v.data(), N};
}

// RFC 7539 §2.8.2.
const auto kKey = Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
const auto kNonce = Hex("070000004041424344454647");
const auto kAad = Hex("50515253c0c1c2c3c4c5c6c7");
const auto kPlain = Bytes("Ladies and Gentlemen of the class of '99: If I could offer you only one "
                          "tip for the future, sunscreen would be it.");
const auto kSealed = Hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                         "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                         "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                         "3ff4def08e4b7a9de576d26586cec64b6116"
                         "1ae10b594f09e26a7e902ecbd0600691");

} // namespace

TEST_CASE("ChaCha20-Poly1305 matches RFC 7539 2.8.2", "[evp]") {
    evp::ChaCha20Poly1305 cipher;
    // Use the context for something else first: reuse must not leak state.
    std::vector<std::uint8_t> scratch(1000 + 16);
    const std::vector<std::uint8_t> other_key(32, 7), other_plain(1000, 1);
    REQUIRE(cipher.Seal(Fixed<32>(other_key), Fixed<12>(kNonce), {}, other_plain, scratch));

    std::vector<std::uint8_t> sealed(kPlain.size() + 16);
    REQUIRE(cipher.Seal(Fixed<32>(kKey), Fixed<12>(kNonce), kAad, kPlain, sealed));
    CHECK(sealed == kSealed);

    std::vector<std::uint8_t> opened(kPlain.size());
    REQUIRE(cipher.Open(Fixed<32>(kKey), Fixed<12>(kNonce), kAad, kSealed, opened));
    CHECK(opened == kPlain);

    // In place, both directions.
    std::vector<std::uint8_t> buffer = kPlain;
    buffer.resize(kPlain.size() + 16);
    REQUIRE(cipher.Seal(Fixed<32>(kKey), Fixed<12>(kNonce), kAad,
                        std::span{buffer}.first(kPlain.size()), buffer));
    CHECK(buffer == kSealed);
    REQUIRE(cipher.Open(Fixed<32>(kKey), Fixed<12>(kNonce), kAad, buffer,
                        std::span{buffer}.first(kPlain.size())));
    CHECK(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + kPlain.size()) == kPlain);
}

TEST_CASE("ChaCha20-Poly1305 rejects modified input and zeroes the output", "[evp]") {
    evp::ChaCha20Poly1305 cipher;
    std::vector<std::uint8_t> opened(kPlain.size(), 0xee);

    for (std::size_t i = 0; i < kSealed.size(); i += 7) {
        auto modified = kSealed;
        modified[i] ^= 0x01;
        CHECK_FALSE(cipher.Open(Fixed<32>(kKey), Fixed<12>(kNonce), kAad, modified, opened));
        CHECK(opened == std::vector<std::uint8_t>(kPlain.size(), 0));
    }
    auto wrong_aad = kAad;
    wrong_aad[0] ^= 1;
    CHECK_FALSE(cipher.Open(Fixed<32>(kKey), Fixed<12>(kNonce), wrong_aad, kSealed, opened));
    auto wrong_nonce = kNonce;
    wrong_nonce[11] ^= 1;
    CHECK_FALSE(cipher.Open(Fixed<32>(kKey), Fixed<12>(wrong_nonce), kAad, kSealed, opened));
    // The right input still opens afterwards.
    CHECK(cipher.Open(Fixed<32>(kKey), Fixed<12>(kNonce), kAad, kSealed, opened));
}

TEST_CASE("HMAC-SHA-256 matches RFC 4231 test case 2", "[evp]") {
    std::array<std::uint8_t, 32> mac{};
    evp::HmacSha256(mac, Bytes("Jefe"), Bytes("what do ya want for nothing?"));
    CHECK(HexEncode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HKDF-SHA-256 matches RFC 5869", "[evp]") {
    SECTION("test case 1") {
        const std::vector<std::uint8_t> ikm(22, 0x0b);
        const auto salt = Hex("000102030405060708090a0b0c");
        const auto info = Hex("f0f1f2f3f4f5f6f7f8f9");
        std::array<std::uint8_t, 32> prk{};
        evp::HkdfExtract(prk, salt, ikm);
        CHECK(HexEncode(prk) == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        std::vector<std::uint8_t> okm(42);
        evp::Hkdf(okm, ikm, salt, info);
        CHECK(HexEncode(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                "34007208d5b887185865");
    }
    SECTION("test case 3: empty salt and info") {
        const std::vector<std::uint8_t> ikm(22, 0x0b);
        std::vector<std::uint8_t> okm(42);
        evp::Hkdf(okm, ikm, {}, {});
        CHECK(HexEncode(okm) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                                "9d201395faa4b61a96c8");
    }
}

TEST_CASE("SHA-256 and SHA-1 digests", "[evp]") {
    evp::Digest sha256{evp::DigestAlgorithm::sha256};
    sha256.Update(Bytes("abc"));
    CHECK(HexEncode(sha256.Finish()) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Finish starts a new message: the empty one.
    CHECK(HexEncode(sha256.Finish()) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    // Incremental updates over a two-block message.
    const auto message = Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    for (std::size_t split = 0; split <= message.size(); split += 5) {
        sha256.Update(std::span{message}.first(split));
        sha256.Update(std::span{message}.subspan(split));
        CHECK(HexEncode(sha256.Finish()) ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    CHECK(HexEncode(evp::Sha256(Bytes("abc"))) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    evp::Digest sha1{evp::DigestAlgorithm::sha1};
    CHECK(sha1.Size() == 20);
    sha1.Update(Bytes("a"));
    sha1.Update(Bytes("bc"));
    CHECK(HexEncode(sha1.Finish()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1.Update(Bytes("discarded"));
    sha1.Reset();
    CHECK(HexEncode(sha1.Finish()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
