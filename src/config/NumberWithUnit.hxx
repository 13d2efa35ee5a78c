// Splits configuration values such as "100GiB" or "250ms" into the decimal number and
// the unit after it; shared by the size and duration parsers. Internal to src/config/.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sealpost {

struct NumberWithUnit {
    std::uint64_t number = 0;
    /// Empty when the text is a bare number; at most one space before it is skipped.
    std::string_view unit;
    /// The digits did not fit into 64 bits.
    bool overflow = false;
};

/// nullopt unless text is digits followed by an optional unit of letters.
std::optional<NumberWithUnit> SplitNumberWithUnit(std::string_view text) noexcept;

/// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept;

} // namespace sealpost
