// KeyWrap and WrapContext: round trips, and every way a wrap must fail to open.
#include "crypto/KeyWrap.hxx"

#include <catch2/catch.hpp>

#include <string>

using namespace sealpost;
using namespace sealpost::crypto;

TEST_CASE("a key wrap round-trips and has the documented layout", "[crypto][wrap]") {
    const auto kek = SymmetricKey::Random();
    const auto secret = SymmetricKey::Random();
    const auto wrapped = KeyWrap::Wrap(kek, {purpose::kTransferKeyServer, {"T1"}}, secret.Span());
    CHECK(wrapped.size() == 1 + 24 + 32 + 16);
    CHECK(wrapped[0] == KeyWrap::kVersion);

    const auto opened = KeyWrap::Unwrap(kek, {purpose::kTransferKeyServer, {"T1"}}, wrapped);
    REQUIRE(opened);
    CHECK(std::equal(opened->Span().begin(), opened->Span().end(), secret.data()));

    // A fresh nonce each time: the same secret wraps differently.
    CHECK(KeyWrap::Wrap(kek, {purpose::kTransferKeyServer, {"T1"}}, secret.Span()) != wrapped);
}

TEST_CASE("a key wrap does not open with the wrong key, context or bytes", "[crypto][wrap]") {
    const auto kek = SymmetricKey::Random();
    const auto secret = SymmetricKey::Random();
    const auto wrapped =
        KeyWrap::Wrap(kek, {purpose::kTransferKeyQuick, {"T1", "bob@example.com"}}, secret.Span());
    const auto open = [&](const SymmetricKey& key, const WrapContext& context,
                          std::span<const std::uint8_t> bytes) {
        return KeyWrap::Unwrap(key, context, bytes).has_value();
    };
    const WrapContext right{purpose::kTransferKeyQuick, {"T1", "bob@example.com"}};
    CHECK(open(kek, right, wrapped));

    CHECK_FALSE(open(SymmetricKey::Random(), right, wrapped));
    CHECK_FALSE(open(kek, {purpose::kTransferKeyQuick, {"T2", "bob@example.com"}}, wrapped));
    CHECK_FALSE(open(kek, {purpose::kTransferKeyQuick, {"T1", "eve@example.com"}}, wrapped));
    CHECK_FALSE(open(kek, {purpose::kTransferKeyPassword, {"T1", "bob@example.com"}}, wrapped));
    CHECK_FALSE(open(kek, {purpose::kTransferKeyQuick, {"T1"}}, wrapped));
    CHECK_FALSE(open(kek, {purpose::kTransferKeyQuick, {"T1", "bob@example.com", ""}}, wrapped));
    // Moving characters between ids changes the context (length-prefixed fields).
    CHECK_FALSE(open(kek, {purpose::kTransferKeyQuick, {"T1b", "ob@example.com"}}, wrapped));

    for (std::size_t i = 0; i < wrapped.size(); ++i) {
        auto damaged = wrapped;
        damaged[i] ^= 0x01;
        INFO("byte " << i);
        CHECK_FALSE(open(kek, right, damaged));
    }
    CHECK_FALSE(open(kek, right, std::span{wrapped}.first(wrapped.size() - 1)));
    CHECK_FALSE(open(kek, right, std::span{wrapped}.first(10)));
    CHECK_FALSE(open(kek, right, {}));
}

TEST_CASE("wrap contexts encode without ambiguity", "[crypto][wrap]") {
    const WrapContext a{"p", {"ab", "c"}}, b{"p", {"a", "bc"}}, c{"pa", {"b", "c"}};
    CHECK(a.Encode(1) != b.Encode(1));
    CHECK(a.Encode(1) != c.Encode(1));
    CHECK(a.Encode(1) != a.Encode(2));
    CHECK(a.Encode(1) == WrapContext("p", {"ab", "c"}).Encode(1));
}
