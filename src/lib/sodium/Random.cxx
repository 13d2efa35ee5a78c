#include "lib/sodium/Random.hxx"

#include <sodium.h>

#include <mutex>
#include <stdexcept>

namespace sealpost::sodium {

void Init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0)
            throw std::runtime_error("libsodium initialisation failed");
    });
}

void RandomBytes(std::span<std::uint8_t> out) {
    Init();
    if (!out.empty())
        randombytes_buf(out.data(), out.size());
}

std::uint32_t RandomUniform(std::uint32_t upper) {
    Init();
    return randombytes_uniform(upper);
}

} // namespace sealpost::sodium
