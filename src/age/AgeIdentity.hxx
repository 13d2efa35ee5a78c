// AgeIdentity: an age X25519 secret key (a transfer's sk_T), written
// "AGE-SECRET-KEY-1…" in upper-case Bech32 exactly as age-keygen writes it.
// Owns the secret scalar (wiped on destruction); move-only, with an explicit
// Clone(). Const member functions may be called from several threads at once.
#pragma once

#include "age/AgeRecipient.hxx"
#include "lib/sodium/X25519.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost::age {

class AgeIdentity {
    sodium::X25519SecretKey secret_key_;
    sodium::X25519PublicKey public_key_{};

    AgeIdentity(sodium::X25519SecretKey secret_key, const sodium::X25519PublicKey& public_key)
        : secret_key_(std::move(secret_key)), public_key_(public_key) {}

public:
    /// A fresh identity from the CSPRNG.
    static AgeIdentity Generate();

    /// An identity from its raw 32-byte scalar (as unwrapped from storage).
    static AgeIdentity FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize> secret);

    /// Parses one "AGE-SECRET-KEY-1…" string (either case); nullopt if invalid.
    static std::optional<AgeIdentity> FromString(std::string_view text);

    /// Parses an identity file as age-keygen writes it: '#' comment lines and
    /// blank lines are skipped, the first other line must be the key.
    static std::optional<AgeIdentity> FromKeyFile(std::string_view text);

    /// "AGE-SECRET-KEY-1…" in upper case. The string holds the secret: keep it
    /// short-lived.
    std::string ToString() const;

    AgeRecipient Recipient() const noexcept { return AgeRecipient{public_key_}; }

    /// The raw scalar, for wrapping it under another key.
    std::span<const std::uint8_t, sodium::kX25519KeySize> SecretKey() const noexcept {
        return secret_key_.Span();
    }

    /// X25519(secret, peer); nullopt for a low-order peer point.
    std::optional<sodium::X25519SharedSecret>
    Agree(std::span<const std::uint8_t, sodium::kX25519KeySize> peer_public_key) const;

    AgeIdentity Clone() const { return AgeIdentity{secret_key_.Clone(), public_key_}; }
};

} // namespace sealpost::age
