#include "lib/sodium/PasswordHash.hxx"

#include "lib/sodium/Random.hxx"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace sealpost::sodium {

namespace {

/// libsodium wants a non-null pointer even for an empty password.
const char* PasswordData(std::string_view password) noexcept {
    static const char kEmpty = 0;
    return password.empty() ? &kEmpty : password.data();
}

} // namespace

std::string PasswordHashString(std::string_view password, std::uint64_t opslimit,
                               std::size_t memlimit) {
    if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
        memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX)
        throw std::invalid_argument("Argon2id: cost out of range");
    if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX)
        throw std::invalid_argument("Argon2id: password too long");
    Init();
    std::array<char, crypto_pwhash_argon2id_STRBYTES> out{};
    if (crypto_pwhash_argon2id_str(out.data(), PasswordData(password), password.size(), opslimit,
                                   memlimit) != 0)
        throw std::runtime_error("Argon2id: out of memory");
    return std::string(out.data());
}

bool PasswordVerifyString(std::string_view hash, std::string_view password) {
    if (hash.size() >= crypto_pwhash_argon2id_STRBYTES ||
        password.size() > crypto_pwhash_argon2id_PASSWD_MAX)
        return false;
    Init();
    std::array<char, crypto_pwhash_argon2id_STRBYTES> terminated{};
    std::copy(hash.begin(), hash.end(), terminated.begin());
    return crypto_pwhash_argon2id_str_verify(terminated.data(), PasswordData(password),
                                             password.size()) == 0;
}

} // namespace sealpost::sodium
