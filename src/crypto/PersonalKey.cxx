#include "crypto/PersonalKey.hxx"

#include "lib/sodium/Blake2b.hxx"

#include <vector>

namespace sealpost::crypto {

std::string NormaliseAddress(std::string_view address) {
    const auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    };
    while (!address.empty() && is_space(address.front()))
        address.remove_prefix(1);
    while (!address.empty() && is_space(address.back()))
        address.remove_suffix(1);
    std::string out{address};
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

SymmetricKey PersonalKey(const SymmetricKey& client_key, std::string_view address) {
    static constexpr std::string_view kLabel = "sealpost/v1/personal-key";
    const std::string normalised = NormaliseAddress(address);
    std::vector<std::uint8_t> message(kLabel.begin(), kLabel.end());
    message.push_back(0);
    message.insert(message.end(), normalised.begin(), normalised.end());
    SymmetricKey key;
    sodium::Blake2b(key.Span(), client_key.Span(), message);
    return key;
}

} // namespace sealpost::crypto
