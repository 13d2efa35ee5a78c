// PasswordKek: a key-encryption key derived from a password, together with the
// salt and cost it was derived with, and the self-describing records it wraps
// secrets into (W_pw: sk_T; W_inv[B]: SK{A,B}). Record format:
//
//   version 0x01 (1) || opslimit (u64 BE) || memlimit in bytes (u64 BE)
//   || salt (16) || KeyWrap (73 bytes for a 32-byte secret)
//
// A record thus says how to re-derive its KEK (ReadParams), and records made
// from the same PasswordKek share salt and cost, so one Argon2id run opens them
// all. Checking a password is opening W_pw; nothing else is stored.
// Derive() is slow (threadpool only); the rest is fast. Move-only; any thread.
#pragma once

#include "crypto/PasswordKdf.hxx"
#include "crypto/SymmetricKey.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/sodium/SecretBuffer.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::crypto {

class PasswordKek {
    KdfParams params_;
    KdfSalt salt_;
    SymmetricKey key_;

    PasswordKek(const KdfParams& params, const KdfSalt& salt, SymmetricKey key)
        : params_(params), salt_(salt), key_(std::move(key)) {}

public:
    static constexpr std::uint8_t kVersion = 1;
    static constexpr std::size_t kPrefixSize = 1 + 8 + 8 + kKdfSaltSize;

    struct RecordParams {
        KdfParams params;
        KdfSalt salt{};
    };

    /// A KEK with a fresh salt (for a new transfer). Slow.
    static PasswordKek Derive(std::string_view password, const KdfParams& params);

    /// The KEK a record was made with, if `password` is right. Slow.
    static PasswordKek Derive(std::string_view password, const RecordParams& record_params);

    /// Cost and salt of a record; nullopt if malformed or out of bounds.
    static std::optional<RecordParams> ReadParams(std::span<const std::uint8_t> record);

    const KdfParams& Params() const noexcept { return params_; }
    const KdfSalt& Salt() const noexcept { return salt_; }

    std::vector<std::uint8_t> Wrap(const WrapContext& context,
                                   std::span<const std::uint8_t> secret) const;

    /// The secret, or nullopt for a wrong password, a wrong context, a record made
    /// with another salt or cost, or a damaged record.
    std::optional<sodium::SecretBuffer> Unwrap(const WrapContext& context,
                                               std::span<const std::uint8_t> record) const;
};

} // namespace sealpost::crypto
