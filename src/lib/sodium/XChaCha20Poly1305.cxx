#include "lib/sodium/XChaCha20Poly1305.hxx"

#include "lib/sodium/Random.hxx"
#include "lib/sodium/Wipe.hxx"

#include <sodium.h>

#include <stdexcept>

namespace sealpost::sodium {

static_assert(kXChaChaKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kXChaChaNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kXChaChaTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);

XChaChaNonce XChaChaRandomNonce() {
    XChaChaNonce nonce{};
    RandomBytes(nonce);
    return nonce;
}

void XChaChaSeal(std::span<const std::uint8_t, kXChaChaKeySize> key,
                 std::span<const std::uint8_t, kXChaChaNonceSize> nonce,
                 std::span<const std::uint8_t> associated_data, std::span<const std::uint8_t> plain,
                 std::span<std::uint8_t> out) {
    if (out.size() != plain.size() + kXChaChaTagSize)
        throw std::invalid_argument("XChaChaSeal: output size must be input size + 16");
    Init();
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, plain.data(), plain.size(),
                                               associated_data.data(), associated_data.size(),
                                               nullptr, nonce.data(), key.data());
}

bool XChaChaOpen(std::span<const std::uint8_t, kXChaChaKeySize> key,
                 std::span<const std::uint8_t, kXChaChaNonceSize> nonce,
                 std::span<const std::uint8_t> associated_data,
                 std::span<const std::uint8_t> sealed, std::span<std::uint8_t> out) noexcept {
    if (sealed.size() < kXChaChaTagSize || out.size() != sealed.size() - kXChaChaTagSize) {
        Wipe(out.data(), out.size());
        return false;
    }
    unsigned long long written = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        out.data(), &written, nullptr, sealed.data(), sealed.size(), associated_data.data(),
        associated_data.size(), nonce.data(), key.data());
    if (rc != 0) {
        Wipe(out.data(), out.size());
        return false;
    }
    return true;
}

} // namespace sealpost::sodium
