#include "crypto/SealedMetadata.hxx"

#include "crypto/KeyWrap.hxx"
#include "crypto/SymmetricKey.hxx"
#include "lib/evp/Hkdf.hxx"
#include "lib/sodium/X25519.hxx"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace sealpost::crypto {
namespace {

constexpr std::size_t kHeaderSize = 1 + sodium::kX25519KeySize;

SymmetricKey DeriveBoxKey(const sodium::X25519SharedSecret& shared,
                          std::span<const std::uint8_t, sodium::kX25519KeySize> ephemeral,
                          const sodium::X25519PublicKey& recipient) {
    std::array<std::uint8_t, 2 * sodium::kX25519KeySize> salt{};
    std::copy(ephemeral.begin(), ephemeral.end(), salt.begin());
    std::copy(recipient.begin(), recipient.end(), salt.begin() + sodium::kX25519KeySize);
    SymmetricKey key;
    evp::Hkdf(key.Span(), shared.Span(), salt, evp::AsBytes("sealpost/v1/sealed-metadata"));
    return key;
}

std::span<const std::uint8_t> AsBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace

std::vector<std::uint8_t> SealedMetadata::Seal(const age::AgeRecipient& recipient,
                                               const WrapContext& context, std::string_view text) {
    const auto ephemeral = sodium::X25519KeyPair::Generate();
    const auto shared = sodium::X25519Agree(ephemeral.secret_key, recipient.PublicKey());
    if (!shared)
        throw std::invalid_argument("SealedMetadata: recipient is a low-order point");
    const SymmetricKey key = DeriveBoxKey(*shared, ephemeral.public_key, recipient.PublicKey());

    const auto wrapped = KeyWrap::Wrap(key, context, AsBytes(text));
    std::vector<std::uint8_t> out(kHeaderSize + wrapped.size());
    out[0] = kVersion;
    std::copy(ephemeral.public_key.begin(), ephemeral.public_key.end(), out.begin() + 1);
    std::copy(wrapped.begin(), wrapped.end(), out.begin() + kHeaderSize);
    return out;
}

std::optional<std::string> SealedMetadata::Open(const age::AgeIdentity& identity,
                                                const WrapContext& context,
                                                std::span<const std::uint8_t> sealed) {
    if (sealed.size() < kHeaderSize || sealed[0] != kVersion)
        return std::nullopt;
    const auto ephemeral = sealed.subspan(1).first<sodium::kX25519KeySize>();
    const auto shared = identity.Agree(ephemeral);
    if (!shared)
        return std::nullopt;
    const SymmetricKey key = DeriveBoxKey(*shared, ephemeral, identity.Recipient().PublicKey());
    const auto text = KeyWrap::Unwrap(key, context, sealed.subspan(kHeaderSize));
    if (!text)
        return std::nullopt;
    return std::string{text->View()};
}

} // namespace sealpost::crypto
