// An ordered list of HTTP header fields with case-insensitive lookup.
// Plain value type; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept;

class Headers {
public:
    using Field = std::pair<std::string, std::string>;

    void Add(std::string name, std::string value) {
        fields_.emplace_back(std::move(name), std::move(value));
    }
    /// Replaces every field of that name with one.
    void Set(std::string_view name, std::string value);
    void Remove(std::string_view name);
    std::optional<std::string_view> Get(std::string_view name) const noexcept;
    bool Has(std::string_view name) const noexcept { return Get(name).has_value(); }

    const std::vector<Field>& fields() const noexcept { return fields_; }
    std::vector<Field>& fields() noexcept { return fields_; }

private:
    std::vector<Field> fields_;
};

} // namespace sealpost::http
