#include "crypto/KeyWrap.hxx"

#include "lib/sodium/XChaCha20Poly1305.hxx"

#include <algorithm>

namespace sealpost::crypto {

static_assert(KeyWrap::kOverhead == 1 + sodium::kXChaChaNonceSize + sodium::kXChaChaTagSize);

std::vector<std::uint8_t> KeyWrap::Wrap(const SymmetricKey& key, const WrapContext& context,
                                        std::span<const std::uint8_t> secret) {
    const auto associated_data = context.Encode(kVersion);
    const auto nonce = sodium::XChaChaRandomNonce();
    std::vector<std::uint8_t> out(kOverhead + secret.size());
    out[0] = kVersion;
    std::copy(nonce.begin(), nonce.end(), out.begin() + 1);
    sodium::XChaChaSeal(key.Span(), nonce, associated_data, secret,
                        std::span{out}.subspan(1 + nonce.size()));
    return out;
}

std::optional<sodium::SecretBuffer> KeyWrap::Unwrap(const SymmetricKey& key,
                                                    const WrapContext& context,
                                                    std::span<const std::uint8_t> wrapped) {
    if (wrapped.size() < kOverhead || wrapped[0] != kVersion)
        return std::nullopt;
    const auto associated_data = context.Encode(kVersion);
    const auto nonce = wrapped.subspan(1).first<sodium::kXChaChaNonceSize>();
    const auto sealed = wrapped.subspan(1 + sodium::kXChaChaNonceSize);
    sodium::SecretBuffer secret(wrapped.size() - kOverhead);
    if (!sodium::XChaChaOpen(key.Span(), nonce, associated_data, sealed, secret.Span()))
        return std::nullopt;
    return secret;
}

} // namespace sealpost::crypto
