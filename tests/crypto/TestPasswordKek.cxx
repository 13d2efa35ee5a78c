// Argon2id KEKs and the transfer key wraps built on them and on the server key.
#include "crypto/PasswordKdf.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/TransferKeys.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using namespace sealpost::crypto;

namespace {

/// Small cost for tests: one pass over 8 MiB.
constexpr KdfParams kTestParams{1, 8 * 1024 * 1024};

bool SameKey(const SymmetricKey& a, const SymmetricKey& b) {
    return std::equal(a.Span().begin(), a.Span().end(), b.Span().begin());
}

} // namespace

TEST_CASE("DeriveKek is deterministic for a password and salt", "[crypto][kdf]") {
    const auto salt = NewKdfSalt();
    const auto a = DeriveKek("Correct-Horse-7", salt, kTestParams);
    const auto b = DeriveKek("Correct-Horse-7", salt, kTestParams);
    CHECK(SameKey(a, b));
    CHECK_FALSE(SameKey(a, DeriveKek("Correct-Horse-8", salt, kTestParams)));
    CHECK_FALSE(SameKey(a, DeriveKek("Correct-Horse-7", NewKdfSalt(), kTestParams)));
    CHECK_FALSE(SameKey(a, DeriveKek("Correct-Horse-7", salt, KdfParams{2, 8 * 1024 * 1024})));
    CHECK_THROWS_AS(DeriveKek("x", salt, KdfParams{0, 8 * 1024 * 1024}), std::invalid_argument);
    CHECK_THROWS_AS(DeriveKek("x", salt, KdfParams{1, KdfParams::kMaxMemLimit + 1}),
                    std::invalid_argument);
    CHECK(KdfParams{}.IsValid());
}

TEST_CASE("W_pw opens with the right password only", "[crypto][transfer]") {
    const auto keys = TransferKeys::Generate();
    const auto kek = PasswordKek::Derive("Correct-Horse-7", kTestParams);
    const auto w_pw = keys.WrapWithPassword(kek, "T1");

    // What the unlock path does: read cost and salt, derive, open.
    const auto params = PasswordKek::ReadParams(w_pw);
    REQUIRE(params);
    CHECK(params->params == kTestParams);
    CHECK(params->salt == kek.Salt());

    const auto right =
        TransferKeys::OpenWithPassword(PasswordKek::Derive("Correct-Horse-7", *params), "T1", w_pw);
    REQUIRE(right);
    CHECK(right->Recipient() == keys.Recipient());

    CHECK_FALSE(TransferKeys::OpenWithPassword(PasswordKek::Derive("correct-horse-7", *params),
                                               "T1", w_pw));
    CHECK_FALSE(TransferKeys::OpenWithPassword(kek, "T2", w_pw));

    // A record whose cost was altered does not open, and absurd costs are refused
    // before any work is done.
    auto altered = w_pw;
    altered[8] ^= 0x01; // opslimit 1 -> 0
    CHECK_FALSE(PasswordKek::ReadParams(altered));
    altered = w_pw;
    altered[1] = 0x7f; // opslimit enormous
    CHECK_FALSE(PasswordKek::ReadParams(altered));
    altered = w_pw;
    altered[20] ^= 0x01; // salt
    CHECK_FALSE(TransferKeys::OpenWithPassword(kek, "T1", altered));
    altered = w_pw;
    altered.back() ^= 0x01;
    CHECK_FALSE(TransferKeys::OpenWithPassword(kek, "T1", altered));

    // The same KEK wraps other secrets (W_inv) that one Argon2id run opens.
    const auto shared = SymmetricKey::Random();
    const auto w_inv =
        kek.Wrap({purpose::kQuickInvitation, {"T1", "bob@example.com"}}, shared.Span());
    const auto opened = kek.Unwrap({purpose::kQuickInvitation, {"T1", "bob@example.com"}}, w_inv);
    REQUIRE(opened);
    CHECK(std::equal(opened->Span().begin(), opened->Span().end(), shared.data()));
    CHECK_FALSE(kek.Unwrap({purpose::kTransferKeyPassword, {"T1"}}, w_inv));
}

TEST_CASE("W_up and W_q bind sk_T to their key, transfer and recipient", "[crypto][transfer]") {
    const auto keys = TransferKeys::Generate();
    const auto server_key = SymmetricKey::Random();

    const auto shared = SymmetricKey::Random();
    const auto w_q = keys.WrapForQuick(shared, "T1", "bob@example.com");
    const auto opened = TransferKeys::OpenWithQuick(shared, "T1", "bob@example.com", w_q);
    REQUIRE(opened);
    CHECK(opened->Recipient() == keys.Recipient());
    CHECK(opened->Identity().ToString() == keys.Identity().ToString());
    CHECK_FALSE(TransferKeys::OpenWithQuick(shared, "T1", "eve@example.com", w_q));
    CHECK_FALSE(TransferKeys::OpenWithQuick(server_key, "T1", "bob@example.com", w_q));
}
