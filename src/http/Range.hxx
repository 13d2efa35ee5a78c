// Parsing of a single-range `Range: bytes=…` header (RFC 9110 §14) against a
// representation of known size. Pure function, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sealpost::http {

struct ByteRange {
    std::uint64_t first; ///< inclusive
    std::uint64_t last;  ///< inclusive
    std::uint64_t Length() const noexcept { return last - first + 1; }
};

enum class RangeResult { none, satisfiable, unsatisfiable };

/// `none`: no usable Range (absent, not bytes, malformed or several ranges):
/// serve the whole representation. `unsatisfiable`: answer 416.
RangeResult ParseRange(std::string_view header, std::uint64_t size, ByteRange& out) noexcept;

} // namespace sealpost::http
