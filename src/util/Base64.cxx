#include "util/Base64.hxx"

#include <array>

namespace sealpost {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> MakeReverse(std::string_view alphabet) {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table)
        v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}

constexpr auto kStandardReverse = MakeReverse(kStandard);
constexpr auto kUrlReverse = MakeReverse(kUrl);

} // namespace

std::string Base64Encode(std::span<const std::uint8_t> data, Base64Alphabet alphabet, bool pad) {
    const std::string_view chars = alphabet == Base64Alphabet::url ? kUrl : kStandard;
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v =
            (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        out += chars[(v >> 6) & 63];
        out += chars[v & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (rest == 2)
            v |= std::uint32_t{data[i + 1]} << 8;
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        if (rest == 2)
            out += chars[(v >> 6) & 63];
        if (pad)
            out.append(rest == 1 ? 2 : 1, '=');
    }
    return out;
}

std::optional<std::vector<std::uint8_t>>
Base64Decode(std::string_view text, Base64Alphabet alphabet, bool require_canonical) {
    const auto& reverse = alphabet == Base64Alphabet::url ? kUrlReverse : kStandardReverse;
    if (!require_canonical) {
        if (text.size() % 4 == 0) {
            std::size_t strip = 0;
            while (strip < 2 && strip < text.size() && text[text.size() - 1 - strip] == '=')
                ++strip;
            text.remove_suffix(strip);
        }
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = reverse[static_cast<unsigned char>(c)];
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    // Leftover bits must be zero in canonical encodings.
    if (require_canonical && bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

std::optional<std::string> Base64DecodeToString(std::string_view text, Base64Alphabet alphabet) {
    auto bytes = Base64Decode(text, alphabet);
    if (!bytes)
        return std::nullopt;
    return std::string(bytes->begin(), bytes->end());
}

} // namespace sealpost
