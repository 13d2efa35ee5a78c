#include "age/AgeIdentity.hxx"

#include "age/Bech32.hxx"
#include "lib/sodium/Wipe.hxx"

namespace sealpost::age {

namespace {
constexpr std::string_view kIdentityHrp = "age-secret-key-";
} // namespace

AgeIdentity AgeIdentity::Generate() {
    auto pair = sodium::X25519KeyPair::Generate();
    return AgeIdentity{std::move(pair.secret_key), pair.public_key};
}

AgeIdentity
AgeIdentity::FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize> secret) {
    sodium::X25519SecretKey key{secret};
    const auto public_key = sodium::X25519PublicFromSecret(key);
    return AgeIdentity{std::move(key), public_key};
}

std::optional<AgeIdentity> AgeIdentity::FromString(std::string_view text) {
    auto decoded = Bech32Decode(text);
    if (!decoded)
        return std::nullopt;
    std::optional<AgeIdentity> result;
    if (decoded->hrp == kIdentityHrp && decoded->data.size() == sodium::kX25519KeySize)
        result = FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize>{
            decoded->data.data(), sodium::kX25519KeySize});
    sodium::Wipe(decoded->data.data(), decoded->data.size());
    return result;
}

std::optional<AgeIdentity> AgeIdentity::FromKeyFile(std::string_view text) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        return FromString(line);
    }
    return std::nullopt;
}

std::string AgeIdentity::ToString() const {
    return Bech32Encode(kIdentityHrp, secret_key_.Span(), true);
}

std::optional<sodium::X25519SharedSecret>
AgeIdentity::Agree(std::span<const std::uint8_t, sodium::kX25519KeySize> peer_public_key) const {
    return sodium::X25519Agree(secret_key_, peer_public_key);
}

} // namespace sealpost::age
