// Cryptographically secure randomness from libsodium (randombytes_*).
// Thread-safe; libsodium is initialised on first use.
#pragma once

#include <cstdint>
#include <span>

namespace sealpost::sodium {

/// Initialises libsodium once; throws std::runtime_error if that fails.
void Init();

void RandomBytes(std::span<std::uint8_t> out);

/// Uniform value in [0, upper) without modulo bias; upper must be > 0.
std::uint32_t RandomUniform(std::uint32_t upper);

} // namespace sealpost::sodium
