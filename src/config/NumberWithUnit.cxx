#include "NumberWithUnit.hxx"

#include "util/Text.hxx"

#include <algorithm>
#include <charconv>

namespace sealpost {

namespace {

bool IsAsciiLetter(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

std::optional<NumberWithUnit> SplitNumberWithUnit(std::string_view text) noexcept {
    const char* end = text.data() + text.size();
    NumberWithUnit result;
    const auto [ptr, ec] = std::from_chars(text.data(), end, result.number);
    if (ec == std::errc::invalid_argument || ptr == text.data())
        return std::nullopt;
    result.overflow = ec == std::errc::result_out_of_range;

    auto unit = text.substr(static_cast<std::size_t>(ptr - text.data()));
    if (unit.starts_with(' '))
        unit.remove_prefix(1);
    if (!std::all_of(unit.begin(), unit.end(), IsAsciiLetter))
        return std::nullopt;
    if (unit.empty() && text.ends_with(' '))
        return std::nullopt;
    result.unit = unit;
    return result;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return LowerAscii(x) == LowerAscii(y); });
}

} // namespace sealpost
