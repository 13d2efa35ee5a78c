// X25519 (RFC 7748) key pairs and Diffie-Hellman from libsodium (crypto_box_keypair,
// crypto_scalarmult). Secret scalars live in wiped SecretBytes. Pure functions;
// safe from any thread.
#pragma once

#include "lib/sodium/SecretBytes.hxx"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sealpost::sodium {

inline constexpr std::size_t kX25519KeySize = 32;

using X25519SecretKey = SecretBytes<kX25519KeySize>;
using X25519PublicKey = std::array<std::uint8_t, kX25519KeySize>;
using X25519SharedSecret = SecretBytes<kX25519KeySize>;

struct X25519KeyPair {
    X25519SecretKey secret_key;
    X25519PublicKey public_key{};

    /// A fresh key pair from the CSPRNG.
    static X25519KeyPair Generate();
};

/// The public key of a secret scalar: X25519(secret, basepoint).
X25519PublicKey X25519PublicFromSecret(const X25519SecretKey& secret_key);

/// X25519(secret, peer). Returns nullopt if the result is all zeros (a low-order
/// peer point), which every protocol here must treat as an error.
std::optional<X25519SharedSecret>
X25519Agree(const X25519SecretKey& secret_key,
            std::span<const std::uint8_t, kX25519KeySize> peer_public_key);

} // namespace sealpost::sodium
