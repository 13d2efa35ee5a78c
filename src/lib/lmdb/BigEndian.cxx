#include "BigEndian.hxx"

namespace sealpost::lmdb {

std::string EncodeU64(std::uint64_t value) {
    std::string bytes(8, '\0');
    for (int i = 7; i >= 0; --i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
    return bytes;
}

std::optional<std::uint64_t> DecodeU64(std::string_view bytes) noexcept {
    if (bytes.size() != 8)
        return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : bytes)
        value = (value << 8) | static_cast<unsigned char>(c);
    return value;
}

} // namespace sealpost::lmdb
