#include "download/ContentDisposition.hxx"

#include <fmt/format.h>

namespace sealpost::download {

std::string ContentDisposition(bool inline_view, std::string_view filename) {
    std::string fallback, encoded;
    for (const char c : filename) {
        const auto u = static_cast<unsigned char>(c);
        fallback +=
            (u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == '/' || c == ';') ? '_' : c;
        // attr-char of RFC 8187
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') ||
                           std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
        if (plain)
            encoded += c;
        else
            encoded += fmt::format("%{:02X}", u);
    }
    if (fallback.empty())
        fallback = "file";
    return fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}",
                       inline_view ? "inline" : "attachment", fallback, encoded);
}

} // namespace sealpost::download
