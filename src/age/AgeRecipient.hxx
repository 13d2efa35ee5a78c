// AgeRecipient: the public half of an age X25519 key pair (a transfer's pk_T),
// written "age1…" in Bech32. A small copyable value; any thread.
#pragma once

#include "lib/sodium/X25519.hxx"

#include <optional>
#include <string>
#include <string_view>

namespace sealpost::age {

class AgeRecipient {
    sodium::X25519PublicKey public_key_;

public:
    explicit AgeRecipient(const sodium::X25519PublicKey& public_key) noexcept
        : public_key_(public_key) {}

    /// Parses "age1…" (Bech32, HRP "age", 32 bytes); nullopt if invalid.
    static std::optional<AgeRecipient> FromString(std::string_view text);

    /// "age1…" in lower case, as age-keygen prints it.
    std::string ToString() const;

    const sodium::X25519PublicKey& PublicKey() const noexcept { return public_key_; }

    bool operator==(const AgeRecipient&) const = default;
};

} // namespace sealpost::age
