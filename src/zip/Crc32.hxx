// Incremental CRC-32 (the ZIP / zlib polynomial). Upload handlers feed each
// chunk as it arrives so the ZIP writer later knows every entry's CRC without
// reading the file again; Combine() joins CRCs of pieces computed separately.
// A Crc32 is a plain value owned by whoever computes it; one thread at a time
// per object, the static functions are safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sealpost {

class Crc32 {
public:
    void Update(std::span<const std::uint8_t> data) noexcept;

    void Update(std::string_view data) noexcept {
        Update(std::span{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
    }

    /// The CRC of all bytes passed to Update() so far (0 for none).
    std::uint32_t Value() const noexcept { return value_; }

    /// The CRC of A followed by B, given CRC(A), CRC(B) and the length of B.
    static std::uint32_t Combine(std::uint32_t first, std::uint32_t second,
                                 std::uint64_t second_length) noexcept;

    /// One-shot helpers.
    static std::uint32_t Of(std::span<const std::uint8_t> data) noexcept {
        Crc32 crc;
        crc.Update(data);
        return crc.Value();
    }

    static std::uint32_t Of(std::string_view data) noexcept {
        Crc32 crc;
        crc.Update(data);
        return crc.Value();
    }

private:
    std::uint32_t value_ = 0;
};

} // namespace sealpost
