// Takes apart a key made by KeyBuilder, part by part in the same order. Each call returns
// nullopt when the remaining bytes do not hold such a part (a key of another shape).
// Views point into the key given to the constructor. A value type; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sealpost::lmdb {

class KeyReader {
    std::string_view rest_;

public:
    explicit KeyReader(std::string_view key) noexcept : rest_(key) {}

    std::optional<std::uint64_t> U64() noexcept;
    std::optional<std::string_view> Fixed(std::size_t width) noexcept;
    std::optional<std::string_view> Text() noexcept;

    bool AtEnd() const noexcept { return rest_.empty(); }
    std::string_view Rest() const noexcept { return rest_; }
};

} // namespace sealpost::lmdb
