#include "lib/evp/Hmac.hxx"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace sealpost::evp {

void HmacSha256(std::span<std::uint8_t, kHmacSha256Size> out, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> message) {
    if (key.size() > INT_MAX)
        throw std::invalid_argument("HMAC key too long");
    // OpenSSL rejects a null key pointer even for an empty key.
    static const std::uint8_t kEmpty = 0;
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
             message.empty() ? &kEmpty : message.data(), message.size(), out.data(),
             &length) == nullptr ||
        length != kHmacSha256Size)
        throw std::runtime_error("HMAC-SHA-256 failed");
}

} // namespace sealpost::evp
