// OpenSSL 3 implementation through EVP_CIPHER (the default build); the
// BoringSSL one is ChaCha20Poly1305Aead.cxx.
#include "lib/evp/ChaCha20Poly1305.hxx"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <new>
#include <stdexcept>

namespace sealpost::evp {

struct ChaCha20Poly1305::Context {
    EVP_CIPHER_CTX* ctx = nullptr;

    Context() {
        ctx = EVP_CIPHER_CTX_new();
        if (ctx == nullptr)
            throw std::bad_alloc();
        // Bind the cipher once; later calls pass only key and nonce, so the
        // provider context is reused instead of being allocated per message.
        if (EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, nullptr, nullptr, 1) != 1) {
            EVP_CIPHER_CTX_free(ctx);
            throw std::runtime_error("EVP_chacha20_poly1305 is not available");
        }
    }
    ~Context() { EVP_CIPHER_CTX_free(ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    bool Start(const std::uint8_t* key, const std::uint8_t* nonce, int encrypt,
               std::span<const std::uint8_t> associated_data) noexcept {
        if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nonce, encrypt) != 1)
            return false;
        if (!associated_data.empty()) {
            if (associated_data.size() > INT_MAX)
                return false;
            int ignored = 0;
            if (EVP_CipherUpdate(ctx, nullptr, &ignored, associated_data.data(),
                                 static_cast<int>(associated_data.size())) != 1)
                return false;
        }
        return true;
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
    if (!context_ || out.size() != plain.size() + kChaChaTagSize || plain.size() > INT_MAX)
        return false;
    EVP_CIPHER_CTX* ctx = context_->ctx;
    if (!context_->Start(key.data(), nonce.data(), 1, associated_data))
        return false;
    int written = 0;
    if (!plain.empty() && EVP_CipherUpdate(ctx, out.data(), &written, plain.data(),
                                           static_cast<int>(plain.size())) != 1)
        return false;
    int final_written = 0;
    if (EVP_CipherFinal_ex(ctx, out.data() + written, &final_written) != 1)
        return false;
    if (static_cast<std::size_t>(written + final_written) != plain.size())
        return false;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kChaChaTagSize,
                               out.data() + plain.size()) == 1;
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
    if (!context_ || sealed.size() < kChaChaTagSize ||
        out.size() != sealed.size() - kChaChaTagSize || out.size() > INT_MAX)
        return fail();
    EVP_CIPHER_CTX* ctx = context_->ctx;
    // Copy the tag first: `out` may alias `sealed`, and the tag sits past the
    // ciphertext, so decryption in place never overwrites it, but being explicit
    // costs 16 bytes.
    std::uint8_t tag[kChaChaTagSize];
    for (std::size_t i = 0; i < kChaChaTagSize; ++i)
        tag[i] = sealed[out.size() + i];
    if (!context_->Start(key.data(), nonce.data(), 0, associated_data))
        return fail();
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kChaChaTagSize, tag) != 1)
        return fail();
    int written = 0;
    if (!out.empty() && EVP_CipherUpdate(ctx, out.data(), &written, sealed.data(),
                                         static_cast<int>(out.size())) != 1)
        return fail();
    int final_written = 0;
    if (EVP_CipherFinal_ex(ctx, out.data() + written, &final_written) != 1)
        return fail();
    return true;
}

} // namespace sealpost::evp
