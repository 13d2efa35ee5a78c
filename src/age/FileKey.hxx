// The 128-bit age file key: one per blob, generated at random, wrapped in the
// header's X25519 stanza and never stored anywhere else. A wiped, move-only value.
#pragma once

#include "lib/sodium/SecretBytes.hxx"

#include <cstddef>

namespace sealpost::age {

inline constexpr std::size_t kFileKeySize = 16;

/// FileKey::Random() makes a fresh one.
using FileKey = sodium::SecretBytes<kFileKeySize>;

} // namespace sealpost::age
