#include "http/Headers.hxx"

#include <algorithm>

namespace sealpost::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

void Headers::Set(std::string_view name, std::string value) {
    Remove(name);
    fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
    std::erase_if(fields_, [&](const Field& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const noexcept {
    for (const auto& [key, value] : fields_)
        if (EqualsIgnoreCase(key, name))
            return std::string_view(value);
    return std::nullopt;
}

} // namespace sealpost::http
