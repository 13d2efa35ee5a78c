#include "http/Cookie.hxx"
#include "http/Headers.hxx"
#include "util/Text.hxx"

#include <stdexcept>

namespace sealpost::http {
namespace {

bool IsCookieOctet(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x2B) || (u >= 0x2D && u <= 0x3A) ||
           (u >= 0x3C && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
}

} // namespace

std::optional<std::string> GetCookie(const Headers& headers, std::string_view name) {
    for (const auto& [field, value] : headers.fields()) {
        if (field.size() != 6 || (field[0] | 0x20) != 'c' || (field[1] | 0x20) != 'o' ||
            (field[2] | 0x20) != 'o' || (field[3] | 0x20) != 'k' || (field[4] | 0x20) != 'i' ||
            (field[5] | 0x20) != 'e')
            continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto semi = rest.find(';');
            const std::string_view pair = TrimBlanks(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos || TrimBlanks(pair.substr(0, eq)) != name)
                continue;
            std::string_view v = TrimBlanks(pair.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
    }
    return std::nullopt;
}

std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieOptions& options) {
    for (const char c : value)
        if (!IsCookieOctet(c))
            throw std::invalid_argument("cookie value with a forbidden character");
    std::string out;
    out.reserve(name.size() + value.size() + options.path.size() + 64);
    out.append(name).append("=").append(value);
    out.append("; Path=").append(options.path);
    out.append("; Max-Age=").append(std::to_string(options.max_age > 0 ? options.max_age : 0));
    out.append("; HttpOnly; SameSite=Strict");
    if (options.secure)
        out.append("; Secure");
    return out;
}

} // namespace sealpost::http
