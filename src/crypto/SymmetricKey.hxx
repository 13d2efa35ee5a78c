// SymmetricKey: a 256-bit key of the key hierarchy (a KEK, the server key, a
// QUICK shared or personal key). Wiped on destruction, move-only.
#pragma once

#include "lib/sodium/SecretBytes.hxx"

#include <cstddef>

namespace sealpost::crypto {

inline constexpr std::size_t kSymmetricKeySize = 32;

/// SymmetricKey::Random() makes a fresh one.
using SymmetricKey = sodium::SecretBytes<kSymmetricKeySize>;

} // namespace sealpost::crypto
