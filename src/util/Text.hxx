// Small text helpers shared by the header, cookie, template, address and
// configuration parsers. Pure functions; any thread.
#pragma once

#include <string>
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

/// `c` with ASCII letters lower-cased (addresses, schemes and header-like names
/// compare case-insensitively; no locale).
constexpr char LowerAscii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string LowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = LowerAscii(c);
    return out;
}

} // namespace sealpost
