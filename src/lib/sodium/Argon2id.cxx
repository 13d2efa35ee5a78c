#include "lib/sodium/Argon2id.hxx"

#include "lib/sodium/Random.hxx"

#include <sodium.h>

#include <stdexcept>

namespace sealpost::sodium {

static_assert(kArgon2idSaltSize == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kArgon2idMinOutput == crypto_pwhash_argon2id_BYTES_MIN);

void Argon2id(std::span<std::uint8_t> out, std::string_view password,
              std::span<const std::uint8_t, kArgon2idSaltSize> salt, std::uint64_t opslimit,
              std::size_t memlimit) {
    if (out.size() < crypto_pwhash_argon2id_BYTES_MIN)
        throw std::invalid_argument("Argon2id: output shorter than 16 bytes");
    if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX)
        throw std::invalid_argument("Argon2id: opslimit out of range");
    if (memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX)
        throw std::invalid_argument("Argon2id: memlimit out of range");
    if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX)
        throw std::invalid_argument("Argon2id: password too long");
    Init();
    // libsodium wants a non-null password pointer even for an empty password.
    static const char kEmpty = 0;
    const char* password_data = password.empty() ? &kEmpty : password.data();
    if (crypto_pwhash(out.data(), out.size(), password_data, password.size(), salt.data(), opslimit,
                      memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_memzero(out.data(), out.size());
        throw std::runtime_error("Argon2id failed (out of memory for memlimit?)");
    }
}

} // namespace sealpost::sodium
