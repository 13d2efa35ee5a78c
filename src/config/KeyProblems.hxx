// Collects the problems found while reading one configuration key, prefixing each with
// the key's dotted name (and an element index or table key for lists and tables), into
// the list that ConfigError will carry. Internal to src/config/; single-threaded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

class KeyProblems {
    std::vector<std::string>& out_;
    std::string key_;
    std::size_t count_ = 0;

public:
    KeyProblems(std::vector<std::string>& out, std::string key) : out_(out), key_(std::move(key)) {}

    /// "key: message"
    void Add(std::string_view message);
    /// "key[index]: message"
    void AddAt(std::size_t index, std::string_view message);
    /// "key.\"entry\": message"
    void AddAt(std::string_view entry, std::string_view message);

    bool Any() const noexcept { return count_ != 0; }
    const std::string& Key() const noexcept { return key_; }
};

} // namespace sealpost
