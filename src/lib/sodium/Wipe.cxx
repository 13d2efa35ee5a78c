#include "lib/sodium/Wipe.hxx"

#include <sodium.h>

namespace sealpost::sodium {

void Wipe(void* data, std::size_t size) noexcept {
    if (size > 0)
        sodium_memzero(data, size);
}

} // namespace sealpost::sodium
