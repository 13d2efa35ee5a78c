// PayloadKey: the 256-bit key of one blob's STREAM payload,
// HKDF-SHA-256(ikm = file key, salt = 16-byte payload nonce, info = "payload").
// Owns the key (wiped); move-only. Immutable after construction, so one PayloadKey
// may be shared (by const reference) by chunk operations on several threads.
#pragma once

#include "age/FileKey.hxx"
#include "lib/sodium/SecretBytes.hxx"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace sealpost::age {

inline constexpr std::size_t kPayloadNonceSize = 16;
inline constexpr std::size_t kPayloadKeySize = 32;

using PayloadNonce = std::array<std::uint8_t, kPayloadNonceSize>;

class PayloadKey {
    sodium::SecretBytes<kPayloadKeySize> key_;

    explicit PayloadKey(sodium::SecretBytes<kPayloadKeySize> key) noexcept : key_(std::move(key)) {}

public:
    static PayloadKey Derive(const FileKey& file_key,
                             std::span<const std::uint8_t, kPayloadNonceSize> nonce);

    std::span<const std::uint8_t, kPayloadKeySize> Span() const noexcept { return key_.Span(); }
};

} // namespace sealpost::age
