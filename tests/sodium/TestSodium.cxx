// Tests of the libsodium adapter: known answers where RFCs give them, and the
// failure behaviour every caller relies on.
#include "lib/sodium/Argon2id.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/sodium/Random.hxx"
#include "lib/sodium/SecretBuffer.hxx"
#include "lib/sodium/SecretBytes.hxx"
#include "lib/sodium/X25519.hxx"
#include "lib/sodium/XChaCha20Poly1305.hxx"
#include "util/Hex.hxx"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

using namespace sealpost;

namespace {

std::vector<std::uint8_t> Hex(std::string_view text) {
    auto bytes = HexDecode(text);
    REQUIRE(bytes);
    return *bytes;
}

std::vector<std::uint8_t> Bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

sodium::X25519SecretKey SecretFromHex(std::string_view text) {
    const auto bytes = Hex(text);
    REQUIRE(bytes.size() == 32);
    return sodium::X25519SecretKey{std::span<const std::uint8_t, 32>{bytes.data(), 32}};
}

} // namespace

TEST_CASE("SecretBytes and SecretBuffer wipe what they give away", "[sodium]") {
    auto a = sodium::SecretBytes<32>::Random();
    const std::vector<std::uint8_t> copy(a.data(), a.data() + 32);
    CHECK_FALSE(sodium::IsAllZero(a.Span()));

    sodium::SecretBytes<32> b = std::move(a);
    CHECK(std::equal(copy.begin(), copy.end(), b.data()));
    CHECK(sodium::IsAllZero(a.Span())); // NOLINT(bugprone-use-after-move): moved-from is zero

    const auto c = b.Clone();
    CHECK(sodium::ConstantTimeEqual(b.Span(), c.Span()));

    sodium::SecretBuffer buffer{std::span<const std::uint8_t>{copy}};
    CHECK(buffer.size() == 32);
    buffer.Shrink(10);
    CHECK(buffer.size() == 10);
    CHECK(std::equal(buffer.Span().begin(), buffer.Span().end(), copy.begin()));
    sodium::SecretBuffer moved = std::move(buffer);
    CHECK(buffer.empty()); // NOLINT(bugprone-use-after-move)
    CHECK(moved.size() == 10);
}

TEST_CASE("ConstantTimeEqual compares sizes and contents", "[sodium]") {
    const auto a = Bytes("secret-token");
    auto b = a;
    CHECK(sodium::ConstantTimeEqual(a, b));
    b.back() ^= 0x80;
    CHECK_FALSE(sodium::ConstantTimeEqual(a, b));
    CHECK_FALSE(sodium::ConstantTimeEqual(a, std::span{a}.first(5)));
    CHECK(sodium::ConstantTimeEqual({}, {}));
}

TEST_CASE("X25519 matches RFC 7748 6.1", "[sodium]") {
    const auto alice =
        SecretFromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const auto bob =
        SecretFromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const auto alice_public = sodium::X25519PublicFromSecret(alice);
    const auto bob_public = sodium::X25519PublicFromSecret(bob);
    CHECK(HexEncode(alice_public) ==
          "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    CHECK(HexEncode(bob_public) ==
          "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const auto k1 = sodium::X25519Agree(alice, bob_public);
    const auto k2 = sodium::X25519Agree(bob, alice_public);
    REQUIRE(k1);
    REQUIRE(k2);
    CHECK(HexEncode(k1->Span()) ==
          "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    CHECK(sodium::ConstantTimeEqual(k1->Span(), k2->Span()));

    // A low-order point gives an all-zero secret, which is refused.
    const sodium::X25519PublicKey zero{};
    CHECK_FALSE(sodium::X25519Agree(alice, zero));

    const auto pair = sodium::X25519KeyPair::Generate();
    CHECK(sodium::X25519PublicFromSecret(pair.secret_key) == pair.public_key);
}

TEST_CASE("XChaCha20-Poly1305 seals and refuses any change", "[sodium]") {
    const auto key = sodium::SecretBytes<32>::Random();
    const auto nonce = sodium::XChaChaRandomNonce();
    const auto ad = Bytes("purpose");
    const auto plain = Bytes("a 32-byte key, or anything else");
    std::vector<std::uint8_t> sealed(plain.size() + sodium::kXChaChaTagSize);
    sodium::XChaChaSeal(key.Span(), nonce, ad, plain, sealed);
    CHECK(std::search(sealed.begin(), sealed.end(), plain.begin(), plain.begin() + 8) ==
          sealed.end());

    std::vector<std::uint8_t> opened(plain.size());
    REQUIRE(sodium::XChaChaOpen(key.Span(), nonce, ad, sealed, opened));
    CHECK(opened == plain);

    CHECK_FALSE(sodium::XChaChaOpen(key.Span(), nonce, Bytes("other purpose"), sealed, opened));
    CHECK(opened == std::vector<std::uint8_t>(plain.size(), 0));
    auto other_nonce = nonce;
    other_nonce[23] ^= 1;
    CHECK_FALSE(sodium::XChaChaOpen(key.Span(), other_nonce, ad, sealed, opened));
    const auto other_key = sodium::SecretBytes<32>::Random();
    CHECK_FALSE(sodium::XChaChaOpen(other_key.Span(), nonce, ad, sealed, opened));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto modified = sealed;
        modified[i] ^= 0x40;
        CHECK_FALSE(sodium::XChaChaOpen(key.Span(), nonce, ad, modified, opened));
    }
    CHECK_FALSE(sodium::XChaChaOpen(key.Span(), nonce, ad, std::span{sealed}.first(10),
                                    std::span{opened}.first(0)));
}

TEST_CASE("Argon2id is deterministic per salt and password", "[sodium]") {
    std::array<std::uint8_t, 16> salt{};
    sodium::RandomBytes(salt);
    constexpr std::size_t kMemLimit = 8 * 1024 * 1024;
    std::array<std::uint8_t, 32> a{}, b{}, c{}, d{};
    sodium::Argon2id(a, "correct horse", salt, 1, kMemLimit);
    sodium::Argon2id(b, "correct horse", salt, 1, kMemLimit);
    sodium::Argon2id(c, "correct horsf", salt, 1, kMemLimit);
    auto other_salt = salt;
    other_salt[0] ^= 1;
    sodium::Argon2id(d, "correct horse", other_salt, 1, kMemLimit);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a != d);
    CHECK_THROWS_AS(sodium::Argon2id(a, "x", salt, 0, kMemLimit), std::invalid_argument);
    CHECK_THROWS_AS(sodium::Argon2id(a, "x", salt, 1, 1024), std::invalid_argument);
}

TEST_CASE("BLAKE2b matches RFC 7693 and depends on the key", "[sodium]") {
    std::array<std::uint8_t, 64> digest{};
    sodium::Blake2b(digest, {}, Bytes("abc"));
    CHECK(HexEncode(digest) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                               "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");

    const std::vector<std::uint8_t> key1(32, 1), key2(32, 2);
    std::array<std::uint8_t, 32> x{}, y{}, z{};
    sodium::Blake2b(x, key1, Bytes("message"));
    sodium::Blake2b(y, key1, Bytes("message"));
    sodium::Blake2b(z, key2, Bytes("message"));
    CHECK(x == y);
    CHECK(x != z);
    CHECK_THROWS_AS(sodium::Blake2b(std::span{x}.first(8), key1, {}), std::invalid_argument);
}
