#include "Duration.hxx"
#include "NumberWithUnit.hxx"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace sealpost {

namespace {

struct DurationUnit {
    std::string_view name;
    std::int64_t milliseconds;
};

constexpr std::array<DurationUnit, 6> kUnits{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1000},
    {"ms", 1},
    {"", 1000},
}};

} // namespace

std::chrono::milliseconds ParseDuration(std::string_view text) {
    const auto parsed = SplitNumberWithUnit(text);
    if (!parsed)
        throw std::invalid_argument(fmt::format(
            "expected a duration such as \"10s\", \"5m\", \"2h\", \"1d\" or \"250ms\", got \"{}\"",
            text));
    for (const auto& unit : kUnits) {
        if (!EqualsIgnoreCase(parsed->unit, unit.name))
            continue;
        const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() /
                                                      unit.milliseconds);
        if (parsed->overflow || parsed->number > limit)
            throw std::invalid_argument(fmt::format("duration \"{}\" is too long", text));
        return std::chrono::milliseconds(static_cast<std::int64_t>(parsed->number) *
                                         unit.milliseconds);
    }
    throw std::invalid_argument(fmt::format(
        "unknown duration unit \"{}\" in \"{}\" (use ms, s, m, h or d)", parsed->unit, text));
}

std::string FormatDuration(std::chrono::milliseconds duration) {
    const std::int64_t ms = duration.count();
    for (std::size_t i = 0; i < 4; ++i)
        if (ms != 0 && ms % kUnits[i].milliseconds == 0)
            return fmt::format("{}{}", ms / kUnits[i].milliseconds, kUnits[i].name);
    return ms == 0 ? std::string("0s") : fmt::format("{}ms", ms);
}

} // namespace sealpost
