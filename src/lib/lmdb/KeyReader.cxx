#include "KeyReader.hxx"
#include "BigEndian.hxx"

namespace sealpost::lmdb {

std::optional<std::uint64_t> KeyReader::U64() noexcept {
    const auto bytes = Fixed(8);
    if (!bytes)
        return std::nullopt;
    return DecodeU64(*bytes);
}

std::optional<std::string_view> KeyReader::Fixed(std::size_t width) noexcept {
    if (rest_.size() < width)
        return std::nullopt;
    const auto part = rest_.substr(0, width);
    rest_.remove_prefix(width);
    return part;
}

std::optional<std::string_view> KeyReader::Text() noexcept {
    const auto end = rest_.find('\0');
    if (end == std::string_view::npos)
        return std::nullopt;
    const auto part = rest_.substr(0, end);
    rest_.remove_prefix(end + 1);
    return part;
}

} // namespace sealpost::lmdb
