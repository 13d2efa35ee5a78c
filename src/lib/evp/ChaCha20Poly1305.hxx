// ChaCha20-Poly1305 (RFC 7539) from OpenSSL libcrypto: the bulk cipher of every
// blob (age STREAM chunks) and of the age header's key wrap.
//
// One object owns one cipher context and can be reused for any number of
// messages under any keys, without allocating per message. The object is not
// thread-safe: give each thread its own (the age layer keeps one per thread).
//
// Two implementations behind this one interface: ChaCha20Poly1305.cxx on
// OpenSSL 3's EVP_CIPHER (EVP_chacha20_poly1305), and ChaCha20Poly1305Aead.cxx
// on BoringSSL's EVP_AEAD (EVP_aead_chacha20_poly1305), which meson builds
// instead with -Dtls=boringssl.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace sealpost::evp {

inline constexpr std::size_t kChaChaKeySize = 32;
inline constexpr std::size_t kChaChaNonceSize = 12;
inline constexpr std::size_t kChaChaTagSize = 16;

class ChaCha20Poly1305 {
    struct Context;
    std::unique_ptr<Context> context_;

public:
    /// Allocates the cipher context; throws std::bad_alloc or std::runtime_error.
    ChaCha20Poly1305();
    ~ChaCha20Poly1305();

    ChaCha20Poly1305(ChaCha20Poly1305&&) noexcept;
    ChaCha20Poly1305& operator=(ChaCha20Poly1305&&) noexcept;
    ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
    ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;

    /// Encrypts `plain` into `out` = ciphertext || tag; out.size() must be
    /// plain.size() + 16 and `out` may start at the same address as `plain`.
    /// Returns false only on an internal library failure or a size mismatch.
    [[nodiscard]] bool Seal(std::span<const std::uint8_t, kChaChaKeySize> key,
                            std::span<const std::uint8_t, kChaChaNonceSize> nonce,
                            std::span<const std::uint8_t> associated_data,
                            std::span<const std::uint8_t> plain,
                            std::span<std::uint8_t> out) noexcept;

    /// Decrypts and verifies `sealed` = ciphertext || tag into `out`, whose size
    /// must be sealed.size() - 16 (it may alias `sealed`). Returns false, with
    /// `out` zeroed, when the message does not authenticate.
    [[nodiscard]] bool Open(std::span<const std::uint8_t, kChaChaKeySize> key,
                            std::span<const std::uint8_t, kChaChaNonceSize> nonce,
                            std::span<const std::uint8_t> associated_data,
                            std::span<const std::uint8_t> sealed,
                            std::span<std::uint8_t> out) noexcept;
};

} // namespace sealpost::evp
