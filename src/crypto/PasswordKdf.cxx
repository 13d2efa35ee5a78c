#include "crypto/PasswordKdf.hxx"

#include "lib/sodium/Argon2id.hxx"
#include "lib/sodium/Random.hxx"

#include <stdexcept>

namespace sealpost::crypto {

static_assert(kKdfSaltSize == sodium::kArgon2idSaltSize);
static_assert(KdfParams::kMinOpsLimit >= sodium::kArgon2idMinOpsLimit);
static_assert(KdfParams::kMinMemLimit >= sodium::kArgon2idMinMemLimit);

KdfSalt NewKdfSalt() {
    KdfSalt salt{};
    sodium::RandomBytes(salt);
    return salt;
}

SymmetricKey DeriveKek(std::string_view password, std::span<const std::uint8_t, kKdfSaltSize> salt,
                       const KdfParams& params) {
    if (!params.IsValid())
        throw std::invalid_argument("Argon2id parameters out of range");
    SymmetricKey kek;
    sodium::Argon2id(kek.Span(), password, salt, params.opslimit,
                     static_cast<std::size_t>(params.memlimit));
    return kek;
}

} // namespace sealpost::crypto
