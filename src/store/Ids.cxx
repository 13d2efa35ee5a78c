#include "store/Ids.hxx"
#include "lib/sodium/Random.hxx"

#include <array>
#include <cstdint>

namespace sealpost::store {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kIdLength = 26; // ceil(128 / 5)

} // namespace

std::string NewId() {
    std::array<std::uint8_t, 17> bytes{}; // 130 bits drawn, 128 used
    sodium::RandomBytes(std::span(bytes.data(), 16));
    std::string id;
    id.reserve(kIdLength);
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < bytes.size() && id.size() < kIdLength; ++i) {
        buffer = (buffer << 8) | bytes[i];
        bits += 8;
        while (bits >= 5 && id.size() < kIdLength) {
            bits -= 5;
            id += kAlphabet[(buffer >> bits) & 31];
        }
    }
    return id;
}

bool IsValidId(std::string_view id) noexcept {
    if (id.size() != kIdLength)
        return false;
    for (const char c : id)
        if (kAlphabet.find(c) == std::string_view::npos)
            return false;
    return true;
}

} // namespace sealpost::store
