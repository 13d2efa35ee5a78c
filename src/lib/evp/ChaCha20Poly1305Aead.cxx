// BoringSSL implementation through EVP_AEAD (BoringSSL has no EVP_CIPHER for
// ChaCha20-Poly1305): EVP_aead_chacha20_poly1305 with the key bound per
// message, EVP_AEAD_CTX_seal / EVP_AEAD_CTX_open. meson builds this file
// instead of ChaCha20Poly1305.cxx when -Dtls=boringssl. The EVP_AEAD_CTX
// lives in the object, so no message allocates.
#include "lib/evp/ChaCha20Poly1305.hxx"

#include <openssl/aead.h>
#include <openssl/crypto.h>

#include <new>

namespace sealpost::evp {

struct ChaCha20Poly1305::Context {
    EVP_AEAD_CTX ctx;

    Context() { EVP_AEAD_CTX_zero(&ctx); }
    ~Context() { EVP_AEAD_CTX_cleanup(&ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    bool Bind(const std::uint8_t* key) noexcept {
        EVP_AEAD_CTX_cleanup(&ctx);
        EVP_AEAD_CTX_zero(&ctx);
        return EVP_AEAD_CTX_init(&ctx, EVP_aead_chacha20_poly1305(), key, kChaChaKeySize,
                                 kChaChaTagSize, nullptr) == 1;
    }
};

ChaCha20Poly1305::ChaCha20Poly1305() : context_(std::make_unique<Context>()) {}
ChaCha20Poly1305::~ChaCha20Poly1305() = default;
ChaCha20Poly1305::ChaCha20Poly1305(ChaCha20Poly1305&&) noexcept = default;
ChaCha20Poly1305& ChaCha20Poly1305::operator=(ChaCha20Poly1305&&) noexcept = default;

bool ChaCha20Poly1305::Seal(std::span<const std::uint8_t, kChaChaKeySize> key,
                            std::span<const std::uint8_t, kChaChaNonceSize> nonce,
                            std::span<const std::uint8_t> associated_data,
                            std::span<const std::uint8_t> plain,
                            std::span<std::uint8_t> out) noexcept {
    if (!context_ || out.size() != plain.size() + kChaChaTagSize)
        return false;
    if (!context_->Bind(key.data()))
        return false;
    std::size_t written = 0;
    return EVP_AEAD_CTX_seal(&context_->ctx, out.data(), &written, out.size(), nonce.data(),
                             nonce.size(), plain.data(), plain.size(), associated_data.data(),
                             associated_data.size()) == 1 &&
           written == out.size();
}

bool ChaCha20Poly1305::Open(std::span<const std::uint8_t, kChaChaKeySize> key,
                            std::span<const std::uint8_t, kChaChaNonceSize> nonce,
                            std::span<const std::uint8_t> associated_data,
                            std::span<const std::uint8_t> sealed,
                            std::span<std::uint8_t> out) noexcept {
    const auto fail = [&out] {
        OPENSSL_cleanse(out.data(), out.size());
        return false;
    };
    if (!context_ || sealed.size() < kChaChaTagSize || out.size() != sealed.size() - kChaChaTagSize)
        return fail();
    if (!context_->Bind(key.data()))
        return fail();
    std::size_t written = 0;
    // BoringSSL allows `out` to alias `sealed` exactly, which is the only
    // overlap the header permits.
    if (EVP_AEAD_CTX_open(&context_->ctx, out.data(), &written, out.size(), nonce.data(),
                          nonce.size(), sealed.data(), sealed.size(), associated_data.data(),
                          associated_data.size()) != 1 ||
        written != out.size())
        return fail();
    return true;
}

} // namespace sealpost::evp
