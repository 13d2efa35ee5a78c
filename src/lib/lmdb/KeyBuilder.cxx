#include "KeyBuilder.hxx"
#include "BigEndian.hxx"

#include <stdexcept>

namespace sealpost::lmdb {

KeyBuilder& KeyBuilder::U64(std::uint64_t value) {
    key_ += EncodeU64(value);
    return *this;
}

KeyBuilder& KeyBuilder::Fixed(std::string_view bytes) {
    key_ += bytes;
    return *this;
}

KeyBuilder& KeyBuilder::Text(std::string_view text) {
    if (text.find('\0') != std::string_view::npos)
        throw std::invalid_argument("composite key text part contains a NUL byte");
    key_ += text;
    key_ += '\0';
    return *this;
}

} // namespace sealpost::lmdb
