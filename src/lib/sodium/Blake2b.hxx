// BLAKE2b (crypto_generichash), optionally keyed: a fast PRF for deriving
// per-purpose keys from a 32-byte key (for example QUICK personal keys).
// Pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::sodium {

inline constexpr std::size_t kBlake2bMinOutput = 16;
inline constexpr std::size_t kBlake2bMaxOutput = 64;
inline constexpr std::size_t kBlake2bMaxKey = 64;

/// out = BLAKE2b-(8*out.size())(key, message). `out` must be 16..64 bytes; `key`
/// empty (unkeyed) or 16..64 bytes. Throws std::invalid_argument otherwise.
void Blake2b(std::span<std::uint8_t> out, std::span<const std::uint8_t> key,
             std::span<const std::uint8_t> message);

} // namespace sealpost::sodium
