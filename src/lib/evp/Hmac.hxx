// HMAC-SHA-256 (RFC 2104) from OpenSSL libcrypto: the age header MAC and the
// building block of HKDF. Uses only the one-shot HMAC() call, which OpenSSL 3
// and BoringSSL share. Pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::evp {

inline constexpr std::size_t kHmacSha256Size = 32;

/// out = HMAC-SHA-256(key, message). Throws std::runtime_error on a library failure.
void HmacSha256(std::span<std::uint8_t, kHmacSha256Size> out, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> message);

} // namespace sealpost::evp
