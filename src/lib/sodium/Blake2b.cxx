#include "lib/sodium/Blake2b.hxx"

#include "lib/sodium/Random.hxx"

#include <sodium.h>

#include <stdexcept>

namespace sealpost::sodium {

static_assert(kBlake2bMinOutput == crypto_generichash_BYTES_MIN);
static_assert(kBlake2bMaxOutput == crypto_generichash_BYTES_MAX);
static_assert(kBlake2bMaxKey == crypto_generichash_KEYBYTES_MAX);

void Blake2b(std::span<std::uint8_t> out, std::span<const std::uint8_t> key,
             std::span<const std::uint8_t> message) {
    if (out.size() < crypto_generichash_BYTES_MIN || out.size() > crypto_generichash_BYTES_MAX)
        throw std::invalid_argument("BLAKE2b: output size must be 16..64 bytes");
    if (!key.empty() && (key.size() < crypto_generichash_KEYBYTES_MIN ||
                         key.size() > crypto_generichash_KEYBYTES_MAX))
        throw std::invalid_argument("BLAKE2b: key size must be 0 or 16..64 bytes");
    Init();
    if (crypto_generichash(out.data(), out.size(), message.data(), message.size(),
                           key.empty() ? nullptr : key.data(), key.size()) != 0)
        throw std::runtime_error("BLAKE2b failed");
}

} // namespace sealpost::sodium
