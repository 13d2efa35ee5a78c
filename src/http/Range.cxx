#include "http/Range.hxx"

#include <charconv>

namespace sealpost::http {
namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool ParseNumber(std::string_view s, std::uint64_t& out) {
    if (s.empty())
        return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

} // namespace

RangeResult ParseRange(std::string_view header, std::uint64_t size, ByteRange& out) noexcept {
    header = Trim(header);
    constexpr std::string_view kPrefix = "bytes=";
    if (header.size() < kPrefix.size())
        return RangeResult::none;
    for (std::size_t i = 0; i < kPrefix.size(); ++i)
        if ((header[i] | 0x20) != kPrefix[i] && header[i] != kPrefix[i])
            return RangeResult::none;
    const std::string_view spec = Trim(header.substr(kPrefix.size()));
    if (spec.find(',') != std::string_view::npos)
        return RangeResult::none; // multiple ranges: we answer with the whole body
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos)
        return RangeResult::none;
    const std::string_view first_text = Trim(spec.substr(0, dash));
    const std::string_view last_text = Trim(spec.substr(dash + 1));
    std::uint64_t first = 0, last = 0;
    if (first_text.empty()) {
        // Suffix range: the last N bytes.
        std::uint64_t suffix = 0;
        if (!ParseNumber(last_text, suffix))
            return RangeResult::none;
        if (suffix == 0 || size == 0)
            return RangeResult::unsatisfiable;
        out = {suffix >= size ? 0 : size - suffix, size - 1};
        return RangeResult::satisfiable;
    }
    if (!ParseNumber(first_text, first))
        return RangeResult::none;
    if (last_text.empty()) {
        last = size == 0 ? 0 : size - 1;
    } else if (!ParseNumber(last_text, last) || last < first) {
        return RangeResult::none;
    }
    if (first >= size)
        return RangeResult::unsatisfiable;
    out = {first, last >= size ? size - 1 : last};
    return RangeResult::satisfiable;
}

} // namespace sealpost::http
