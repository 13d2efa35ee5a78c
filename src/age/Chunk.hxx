// Sealing and opening single age STREAM chunks: ChaCha20-Poly1305 under the
// payload key, nonce = 11-byte big-endian chunk index || 0x01 for the final chunk
// (0x00 otherwise). A chunk holds 64 KiB of plaintext, the final one 1..64 KiB
// (0 only when the whole payload is empty), plus a 16-byte tag.
//
// Stateless, I/O-free and re-entrant: each call may run on a different thread
// (each thread uses its own cipher context), so the storage layer can seal and
// open chunks from threadpool workers. Errors are return values, never
// exceptions; a failed open leaves `out` zeroed, never partial plaintext.
#pragma once

#include "age/Error.hxx"
#include "age/PayloadKey.hxx"

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::age {

inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kChunkTagSize = 16;
inline constexpr std::size_t kSealedChunkSize = kChunkSize + kChunkTagSize;

/// Encrypts chunk `index` into `out` (exactly plain.size() + 16 bytes; may be the
/// same buffer as `plain`). A non-final chunk must be exactly 64 KiB, a final
/// chunk 1..64 KiB, or empty if it is chunk 0. Returns ok, invalid_argument or
/// internal.
[[nodiscard]] AgeErrc SealChunk(const PayloadKey& key, std::uint64_t index, bool last,
                                std::span<const std::uint8_t> plain,
                                std::span<std::uint8_t> out) noexcept;

/// Decrypts and verifies chunk `index` into `out` (exactly sealed.size() - 16
/// bytes; may be the same buffer as `sealed`). `last` says whether the caller
/// expects this to be the final chunk (known from the blob size). Returns ok,
/// bad_size (a chunk size no writer produces here), bad_chunk (authentication
/// failed: tampered, reordered, or wrongly final), invalid_argument or internal.
[[nodiscard]] AgeErrc OpenChunk(const PayloadKey& key, std::uint64_t index, bool last,
                                std::span<const std::uint8_t> sealed,
                                std::span<std::uint8_t> out) noexcept;

} // namespace sealpost::age
