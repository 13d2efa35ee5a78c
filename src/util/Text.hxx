// Small text helpers shared by the header, cookie, template and address
// parsers. Pure functions; any thread.
#pragma once

#include <string_view>

namespace sealpost {

/// `text` without leading and trailing spaces and tabs (HTTP's OWS).
constexpr std::string_view TrimBlanks(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace sealpost
