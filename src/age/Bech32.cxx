#include "age/Bech32.hxx"

#include "lib/sodium/Wipe.hxx"

#include <array>
#include <stdexcept>

namespace sealpost::age {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kChecksumLength = 6;

constexpr std::array<std::int8_t, 128> MakeReverse() {
    std::array<std::int8_t, 128> table{};
    for (auto& v : table)
        v = -1;
    for (std::size_t i = 0; i < kCharset.size(); ++i)
        table[static_cast<unsigned char>(kCharset[i])] = static_cast<std::int8_t>(i);
    return table;
}

constexpr auto kReverse = MakeReverse();

std::uint32_t Polymod(std::span<const std::uint8_t> values) noexcept {
    static constexpr std::array<std::uint32_t, 5> kGenerator{0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                             0x3d4233dd, 0x2a1462b3};
    std::uint32_t checksum = 1;
    for (const std::uint8_t value : values) {
        const std::uint32_t top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        for (std::size_t i = 0; i < kGenerator.size(); ++i)
            if ((top >> i) & 1)
                checksum ^= kGenerator[i];
    }
    return checksum;
}

/// The hrp expanded as BIP 173 prescribes, followed by `data`.
std::vector<std::uint8_t> ChecksumInput(std::string_view lower_hrp,
                                        std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> values;
    values.reserve(lower_hrp.size() * 2 + 1 + data.size() + kChecksumLength);
    for (const char c : lower_hrp)
        values.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
    values.push_back(0);
    for (const char c : lower_hrp)
        values.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
    values.insert(values.end(), data.begin(), data.end());
    return values;
}

char ToLower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
char ToUpper(char c) noexcept {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

} // namespace

std::string Bech32Encode(std::string_view hrp, std::span<const std::uint8_t> data,
                         bool upper_case) {
    if (hrp.empty())
        throw std::invalid_argument("Bech32: empty human-readable part");
    std::string lower_hrp;
    for (const char c : hrp) {
        if (c < 33 || c > 126)
            throw std::invalid_argument("Bech32: invalid human-readable part");
        lower_hrp += ToLower(c);
    }

    // Regroup 8-bit bytes into 5-bit values, padding the last group with zeros.
    std::vector<std::uint8_t> groups;
    groups.reserve((data.size() * 8 + 4) / 5);
    std::uint32_t accumulator = 0;
    unsigned bits = 0;
    for (const std::uint8_t byte : data) {
        accumulator = ((accumulator << 8) | byte) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            groups.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 31));
        }
    }
    if (bits > 0)
        groups.push_back(static_cast<std::uint8_t>((accumulator << (5 - bits)) & 31));

    auto values = ChecksumInput(lower_hrp, groups);
    values.insert(values.end(), kChecksumLength, 0);
    const std::uint32_t checksum = Polymod(values) ^ 1;

    std::string out = lower_hrp;
    out += '1';
    for (const std::uint8_t group : groups)
        out += kCharset[group];
    for (std::size_t i = 0; i < kChecksumLength; ++i)
        out += kCharset[(checksum >> (5 * (kChecksumLength - 1 - i))) & 31];
    if (upper_case)
        for (char& c : out)
            c = ToUpper(c);
    // The groups may hold a secret key (identities): wipe the copies.
    sodium::Wipe(groups.data(), groups.size());
    sodium::Wipe(values.data(), values.size());
    accumulator = 0;
    return out;
}

std::optional<Bech32Decoded> Bech32Decode(std::string_view text) {
    bool has_lower = false, has_upper = false;
    for (const char c : text) {
        if (c < 33 || c > 126)
            return std::nullopt;
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
    }
    if (has_lower && has_upper)
        return std::nullopt;

    const std::size_t separator = text.rfind('1');
    if (separator == std::string_view::npos || separator == 0 ||
        text.size() - separator - 1 < kChecksumLength)
        return std::nullopt;

    Bech32Decoded result;
    for (const char c : text.substr(0, separator))
        result.hrp += ToLower(c);

    std::vector<std::uint8_t> values;
    values.reserve(text.size() - separator - 1);
    for (const char c : text.substr(separator + 1)) {
        const int v = kReverse[static_cast<unsigned char>(ToLower(c))];
        if (v < 0)
            return std::nullopt;
        values.push_back(static_cast<std::uint8_t>(v));
    }
    if (Polymod(ChecksumInput(result.hrp, values)) != 1)
        return std::nullopt;
    values.resize(values.size() - kChecksumLength);

    // Regroup 5-bit values into bytes; fewer than 5 leftover bits, all zero.
    std::uint32_t accumulator = 0;
    unsigned bits = 0;
    result.data.reserve(values.size() * 5 / 8);
    for (const std::uint8_t value : values) {
        accumulator = ((accumulator << 5) | value) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            result.data.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 0xff));
        }
    }
    const bool padding_ok = bits < 5 && (accumulator & ((1u << bits) - 1)) == 0;
    sodium::Wipe(values.data(), values.size());
    if (!padding_ok) {
        sodium::Wipe(result.data.data(), result.data.size());
        return std::nullopt;
    }
    return result;
}

} // namespace sealpost::age
