// Wiping of memory that held secrets (sodium_memzero), in a form the compiler
// cannot optimise away. Safe to call from any thread.
#pragma once

#include <cstddef>

namespace sealpost::sodium {

/// Overwrites `size` bytes at `data` with zeros.
void Wipe(void* data, std::size_t size) noexcept;

} // namespace sealpost::sodium
