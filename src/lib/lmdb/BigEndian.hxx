// Big-endian encoding of unsigned 64-bit integers for LMDB keys: LMDB compares keys as
// byte strings, so big-endian numbers sort in numeric order (times, sequence numbers).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::lmdb {

/// Eight bytes, most significant first.
std::string EncodeU64(std::uint64_t value);

/// The inverse of EncodeU64; nullopt unless bytes has exactly eight bytes.
std::optional<std::uint64_t> DecodeU64(std::string_view bytes) noexcept;

} // namespace sealpost::lmdb
