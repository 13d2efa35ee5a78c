// The calling thread's ChaCha20-Poly1305 context, created on first use and kept
// until the thread ends, so that sealing and opening chunks from any number of
// threadpool workers needs neither locks nor per-chunk allocation.
// Internal to the age layer.
#pragma once

#include "lib/evp/ChaCha20Poly1305.hxx"

namespace sealpost::age {

/// This thread's cipher context; nullptr only if it could not be allocated.
evp::ChaCha20Poly1305* ThreadCipher() noexcept;

} // namespace sealpost::age
