#include "Size.hxx"
#include "NumberWithUnit.hxx"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <stdexcept>

namespace sealpost {

namespace {

struct SizeUnit {
    std::string_view name;
    std::uint64_t bytes;
};

constexpr std::uint64_t kKi = 1024;
constexpr std::array<SizeUnit, 10> kUnits{{
    {"B", 1},
    {"KiB", kKi},
    {"MiB", kKi* kKi},
    {"GiB", kKi* kKi* kKi},
    {"TiB", kKi* kKi* kKi* kKi},
    {"KB", 1000},
    {"MB", 1000'000},
    {"GB", 1000'000'000},
    {"TB", 1000'000'000'000},
    {"", 1},
}};

} // namespace

std::uint64_t ParseSize(std::string_view text) {
    const auto parsed = SplitNumberWithUnit(text);
    if (!parsed)
        throw std::invalid_argument(fmt::format(
            "expected a size such as \"100GiB\", \"64MiB\" or \"1GB\", got \"{}\"", text));
    for (const auto& unit : kUnits) {
        if (!EqualsIgnoreCase(parsed->unit, unit.name))
            continue;
        if (parsed->overflow ||
            parsed->number > std::numeric_limits<std::uint64_t>::max() / unit.bytes)
            throw std::invalid_argument(fmt::format("size \"{}\" is too large", text));
        return parsed->number * unit.bytes;
    }
    throw std::invalid_argument(fmt::format(
        "unknown size unit \"{}\" in \"{}\" (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)",
        parsed->unit, text));
}

std::string FormatSize(std::uint64_t bytes) {
    // The shortest exact spelling over all units; binary units win ties.
    std::string best = fmt::format("{}B", bytes);
    for (const auto& unit : kUnits) {
        if (unit.bytes == 1 || bytes == 0 || bytes % unit.bytes != 0)
            continue;
        auto text = fmt::format("{}{}", bytes / unit.bytes, unit.name);
        if (text.size() < best.size())
            best = std::move(text);
    }
    return best;
}

} // namespace sealpost
