#include "age/X25519Stanza.hxx"

#include "age/ThreadCipher.hxx"
#include "lib/evp/Hkdf.hxx"
#include "lib/sodium/SecretBytes.hxx"
#include "util/Base64.hxx"

#include <algorithm>
#include <array>

namespace sealpost::age {
namespace {

constexpr std::string_view kStanzaType = "X25519";
constexpr std::string_view kWrapInfo = "age-encryption.org/v1/X25519";
constexpr std::size_t kBodySize = kFileKeySize + evp::kChaChaTagSize;
constexpr std::array<std::uint8_t, evp::kChaChaNonceSize> kZeroNonce{};

using WrapKey = sodium::SecretBytes<evp::kChaChaKeySize>;

WrapKey DeriveWrapKey(const sodium::X25519SharedSecret& shared,
                      const sodium::X25519PublicKey& share,
                      const sodium::X25519PublicKey& recipient) {
    std::array<std::uint8_t, 2 * sodium::kX25519KeySize> salt{};
    std::copy(share.begin(), share.end(), salt.begin());
    std::copy(recipient.begin(), recipient.end(), salt.begin() + sodium::kX25519KeySize);
    WrapKey key;
    evp::Hkdf(key.Span(), shared.Span(), salt, evp::AsBytes(kWrapInfo));
    return key;
}

} // namespace

Stanza WrapFileKeyX25519(const AgeRecipient& recipient, const FileKey& file_key) {
    const auto ephemeral = sodium::X25519KeyPair::Generate();
    auto shared = sodium::X25519Agree(ephemeral.secret_key, recipient.PublicKey());
    if (!shared)
        throw AgeError(AgeErrc::internal, "recipient is a low-order point");
    const WrapKey key = DeriveWrapKey(*shared, ephemeral.public_key, recipient.PublicKey());

    Stanza stanza;
    stanza.arguments = {std::string(kStanzaType),
                        Base64Encode(ephemeral.public_key, Base64Alphabet::standard, false)};
    stanza.body.resize(kBodySize);
    evp::ChaCha20Poly1305* cipher = ThreadCipher();
    if (cipher == nullptr ||
        !cipher->Seal(key.Span(), kZeroNonce, {}, file_key.Span(), stanza.body))
        throw AgeError(AgeErrc::internal, "wrapping the file key failed");
    return stanza;
}

bool IsX25519Stanza(const Stanza& stanza) noexcept {
    return !stanza.arguments.empty() && stanza.arguments.front() == kStanzaType;
}

AgeErrc ValidateX25519Stanza(const Stanza& stanza) {
    if (stanza.arguments.size() != 2 || stanza.body.size() != kBodySize)
        return AgeErrc::malformed_header;
    const auto share = Base64Decode(stanza.arguments[1], Base64Alphabet::standard, true);
    if (!share || share->size() != sodium::kX25519KeySize)
        return AgeErrc::malformed_header;
    return AgeErrc::ok;
}

AgeErrc UnwrapFileKeyX25519(const Stanza& stanza, const AgeIdentity& identity,
                            std::optional<FileKey>& file_key) {
    file_key.reset();
    if (ValidateX25519Stanza(stanza) != AgeErrc::ok)
        return AgeErrc::malformed_header;
    const auto decoded = Base64Decode(stanza.arguments[1], Base64Alphabet::standard, true);
    sodium::X25519PublicKey share{};
    std::copy(decoded->begin(), decoded->end(), share.begin());

    auto shared = identity.Agree(share);
    if (!shared)
        return AgeErrc::weak_share;
    const WrapKey key = DeriveWrapKey(*shared, share, identity.Recipient().PublicKey());

    evp::ChaCha20Poly1305* cipher = ThreadCipher();
    if (cipher == nullptr)
        return AgeErrc::internal;
    FileKey candidate;
    if (cipher->Open(key.Span(), kZeroNonce, {}, stanza.body, candidate.Span()))
        file_key = std::move(candidate);
    return AgeErrc::ok;
}

} // namespace sealpost::age
