// XChaCha20-Poly1305-IETF AEAD from libsodium, used to wrap keys and seal small
// records. The 24-byte nonce is large enough to be chosen at random for every
// message (RandomNonce). Output layout of Seal: ciphertext || 16-byte tag.
// Pure functions; safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::sodium {

inline constexpr std::size_t kXChaChaKeySize = 32;
inline constexpr std::size_t kXChaChaNonceSize = 24;
inline constexpr std::size_t kXChaChaTagSize = 16;

using XChaChaNonce = std::array<std::uint8_t, kXChaChaNonceSize>;

/// A fresh random nonce.
XChaChaNonce XChaChaRandomNonce();

/// Encrypts `plain` into `out`, which must hold exactly plain.size() + 16 bytes.
/// `out` may alias `plain` (same start address).
void XChaChaSeal(std::span<const std::uint8_t, kXChaChaKeySize> key,
                 std::span<const std::uint8_t, kXChaChaNonceSize> nonce,
                 std::span<const std::uint8_t> associated_data, std::span<const std::uint8_t> plain,
                 std::span<std::uint8_t> out);

/// Decrypts and verifies `sealed` (ciphertext || tag) into `out`, which must hold
/// exactly sealed.size() - 16 bytes. Returns false, with `out` zeroed, if the input
/// is too short or does not authenticate under this key, nonce and associated data.
[[nodiscard]] bool XChaChaOpen(std::span<const std::uint8_t, kXChaChaKeySize> key,
                               std::span<const std::uint8_t, kXChaChaNonceSize> nonce,
                               std::span<const std::uint8_t> associated_data,
                               std::span<const std::uint8_t> sealed,
                               std::span<std::uint8_t> out) noexcept;

} // namespace sealpost::sodium
