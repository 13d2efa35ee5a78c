// HKDF-SHA-256 (RFC 5869), built on HmacSha256 so that it needs no KDF API
// beyond what OpenSSL 3 and BoringSSL share. Derives the age wrap, header and
// payload keys and sealpost's own per-purpose keys. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sealpost::evp {

inline constexpr std::size_t kHkdfSha256PrkSize = 32;
inline constexpr std::size_t kHkdfSha256MaxOutput = 255 * 32;

/// PRK = HMAC-SHA-256(salt, ikm); an empty salt means 32 zero bytes (RFC 5869 §2.2).
void HkdfExtract(std::span<std::uint8_t, kHkdfSha256PrkSize> prk,
                 std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm);

/// OKM of out.size() bytes (at most 255 * 32) from PRK and info (RFC 5869 §2.3).
void HkdfExpand(std::span<std::uint8_t> out, std::span<const std::uint8_t, kHkdfSha256PrkSize> prk,
                std::span<const std::uint8_t> info);

/// Extract then expand.
void Hkdf(std::span<std::uint8_t> out, std::span<const std::uint8_t> ikm,
          std::span<const std::uint8_t> salt, std::span<const std::uint8_t> info);

inline std::span<const std::uint8_t> AsBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace sealpost::evp
