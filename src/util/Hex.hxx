// Lower-case hexadecimal encoding. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

std::string HexEncode(std::span<const std::uint8_t> data);
std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view text);

} // namespace sealpost
