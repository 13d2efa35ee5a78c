#include "lib/deflate/Crc32Deflate.hxx"

#include <libdeflate.h>

namespace sealpost::deflate {

std::uint32_t Crc32Update(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
    return libdeflate_crc32(crc, data.data(), data.size());
}

} // namespace sealpost::deflate
