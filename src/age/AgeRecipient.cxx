#include "age/AgeRecipient.hxx"

#include "age/Bech32.hxx"

#include <algorithm>

namespace sealpost::age {

namespace {
constexpr std::string_view kRecipientHrp = "age";
} // namespace

std::optional<AgeRecipient> AgeRecipient::FromString(std::string_view text) {
    auto decoded = Bech32Decode(text);
    if (!decoded || decoded->hrp != kRecipientHrp || decoded->data.size() != sodium::kX25519KeySize)
        return std::nullopt;
    sodium::X25519PublicKey key{};
    std::copy(decoded->data.begin(), decoded->data.end(), key.begin());
    return AgeRecipient{key};
}

std::string AgeRecipient::ToString() const {
    return Bech32Encode(kRecipientHrp, public_key_, false);
}

} // namespace sealpost::age
