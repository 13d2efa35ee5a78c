#include "lib/sodium/X25519.hxx"

#include <sodium.h>

#include <stdexcept>

namespace sealpost::sodium {

static_assert(kX25519KeySize == crypto_scalarmult_BYTES);
static_assert(kX25519KeySize == crypto_scalarmult_SCALARBYTES);
static_assert(kX25519KeySize == crypto_box_PUBLICKEYBYTES);
static_assert(kX25519KeySize == crypto_box_SECRETKEYBYTES);

X25519KeyPair X25519KeyPair::Generate() {
    Init();
    X25519KeyPair pair;
    if (crypto_box_keypair(pair.public_key.data(), pair.secret_key.data()) != 0)
        throw std::runtime_error("X25519 key generation failed");
    return pair;
}

X25519PublicKey X25519PublicFromSecret(const X25519SecretKey& secret_key) {
    Init();
    X25519PublicKey public_key{};
    if (crypto_scalarmult_base(public_key.data(), secret_key.data()) != 0)
        throw std::runtime_error("X25519 public key derivation failed");
    return public_key;
}

std::optional<X25519SharedSecret>
X25519Agree(const X25519SecretKey& secret_key,
            std::span<const std::uint8_t, kX25519KeySize> peer_public_key) {
    Init();
    X25519SharedSecret shared;
    // libsodium returns -1 when the result is the all-zero point.
    if (crypto_scalarmult(shared.data(), secret_key.data(), peer_public_key.data()) != 0)
        return std::nullopt;
    if (sodium_is_zero(shared.data(), shared.size()))
        return std::nullopt;
    return shared;
}

} // namespace sealpost::sodium
