// The only place in sealpost that includes <zlib.h> (for crc32_combine; the
// CRC itself comes from libdeflate's PCLMUL code).
#include "zip/Crc32.hxx"
#include "lib/deflate/Crc32Deflate.hxx"

#include <algorithm>
#include <limits>

#include <zlib.h>

namespace sealpost {

void Crc32::Update(std::span<const std::uint8_t> data) noexcept {
    value_ = deflate::Crc32Update(value_, data);
}

std::uint32_t Crc32::Combine(std::uint32_t first, std::uint32_t second,
                             std::uint64_t second_length) noexcept {
    // zlib takes the length as z_off_t, which may be narrower than the 64-bit
    // sizes sealpost handles. Shifting CRC(A) over B's length is linear in the
    // length, so a long B is crossed in several steps with zero CRCs.
    constexpr std::uint64_t max_step =
        std::min<std::uint64_t>(std::numeric_limits<z_off_t>::max(), std::uint64_t{1} << 30);
    std::uint32_t result = first;
    while (second_length > max_step) {
        result =
            static_cast<std::uint32_t>(crc32_combine(result, 0, static_cast<z_off_t>(max_step)));
        second_length -= max_step;
    }
    return static_cast<std::uint32_t>(
        crc32_combine(result, second, static_cast<z_off_t>(second_length)));
}

} // namespace sealpost
