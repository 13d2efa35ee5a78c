// CRC-32 (the ZIP / zlib polynomial) from libdeflate, which uses PCLMULQDQ (or
// the ARM CRC instructions) where the CPU has them: several GB/s instead of
// zlib's table code. The only folder that includes <libdeflate.h>.
// Stateless, safe from any thread.
#pragma once

#include <cstdint>
#include <span>

namespace sealpost::deflate {

/// The CRC-32 of the bytes before `data` (`crc`, 0 for none) continued over `data`.
std::uint32_t Crc32Update(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept;

} // namespace sealpost::deflate
