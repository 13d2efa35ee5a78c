// KeyWrap: a secret (usually a 32-byte key) encrypted under a SymmetricKey with
// XChaCha20-Poly1305 and bound to a WrapContext. Stored format:
//
//   version 0x01 (1 byte) || random nonce (24 bytes) || ciphertext || tag (16 bytes)
//
// so a wrap of a 32-byte key is 73 bytes. The associated data is
// WrapContext::Encode(version). Pure functions; any thread.
#pragma once

#include "crypto/SymmetricKey.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/sodium/SecretBuffer.hxx"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sealpost::crypto {

class KeyWrap {
public:
    static constexpr std::uint8_t kVersion = 1;
    static constexpr std::size_t kOverhead = 1 + 24 + 16;

    /// Encrypts `secret` under `key` for `context` with a fresh random nonce.
    static std::vector<std::uint8_t> Wrap(const SymmetricKey& key, const WrapContext& context,
                                          std::span<const std::uint8_t> secret);

    /// The secret, or nullopt if `wrapped` is malformed, of another version, or
    /// does not authenticate under this key and context.
    static std::optional<sodium::SecretBuffer> Unwrap(const SymmetricKey& key,
                                                      const WrapContext& context,
                                                      std::span<const std::uint8_t> wrapped);
};

} // namespace sealpost::crypto
