#include "age/PayloadKey.hxx"

#include "lib/evp/Hkdf.hxx"

namespace sealpost::age {

PayloadKey PayloadKey::Derive(const FileKey& file_key,
                              std::span<const std::uint8_t, kPayloadNonceSize> nonce) {
    sodium::SecretBytes<kPayloadKeySize> key;
    evp::Hkdf(key.Span(), file_key.Span(), nonce, evp::AsBytes("payload"));
    return PayloadKey{std::move(key)};
}

} // namespace sealpost::age
