// Constant-time comparison of secrets (sodium_memcmp), so that checking a MAC or a
// stored token leaks nothing about where the first difference is. Any thread.
#pragma once

#include <cstdint>
#include <span>

namespace sealpost::sodium {

/// True if both spans have the same size and the same bytes. The time taken depends
/// only on the sizes, never on the contents.
[[nodiscard]] bool ConstantTimeEqual(std::span<const std::uint8_t> a,
                                     std::span<const std::uint8_t> b) noexcept;

/// True if every byte is zero, in time independent of the contents.
[[nodiscard]] bool IsAllZero(std::span<const std::uint8_t> data) noexcept;

} // namespace sealpost::sodium
