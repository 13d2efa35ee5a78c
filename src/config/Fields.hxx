// The table of every configuration key: its section, its name, and how it is read into
// and written out of a Config. LoadConfig.cxx walks the TOML document against it (and
// names unknown keys), DescribeConfig.cxx prints from it, so a new key is added in one
// place. Internal to src/config/; immutable, any thread.
#pragma once

#include "Config.hxx"
#include "KeyProblems.hxx"
#include "Toml.hxx"

#include <span>
#include <string>
#include <string_view>

namespace sealpost {

struct Field {
    std::string_view section;
    std::string_view key;
    void (*read)(const toml::node& node, Config& config, KeyProblems& problems);
    std::string (*format)(const Config& config);
    /// Redacted by DescribeConfig().
    bool secret = false;

    std::string DottedName() const;
};

/// Every key, grouped by section in the order of the example file.
std::span<const Field> AllFields() noexcept;

/// The section names, in order.
std::span<const std::string_view> AllSections() noexcept;

} // namespace sealpost
