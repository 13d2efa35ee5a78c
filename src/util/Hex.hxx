// Lower-case hexadecimal encoding. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

/// The value of one hex digit (either case), or -1.
constexpr int HexDigitValue(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string HexEncode(std::span<const std::uint8_t> data);
std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view text);

} // namespace sealpost
