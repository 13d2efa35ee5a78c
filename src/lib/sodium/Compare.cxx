#include "lib/sodium/Compare.hxx"

#include <sodium.h>

namespace sealpost::sodium {

bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsAllZero(std::span<const std::uint8_t> data) noexcept {
    if (data.empty())
        return true;
    return sodium_is_zero(data.data(), data.size()) == 1;
}

} // namespace sealpost::sodium
