#include "http/Request.hxx"
#include "util/Hex.hxx"

#include <vector>

namespace sealpost::http {

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int hi = HexDigitValue(text[i + 1]), lo = HexDigitValue(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += static_cast<char>(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> Request::QueryParams(std::string_view name) const {
    std::vector<std::string> values;
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const auto key = PercentDecode(pair.substr(0, eq), true);
        if (!key || *key != name)
            continue;
        if (auto value =
                PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true))
            values.push_back(std::move(*value));
    }
    return values;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    auto values = QueryParams(name);
    if (values.empty())
        return std::nullopt;
    return std::move(values.front());
}

std::string_view Request::Param(std::string_view name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

} // namespace sealpost::http
