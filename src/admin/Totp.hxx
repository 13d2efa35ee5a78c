// Time-based one-time passwords for administrator logins: RFC 6238 TOTP over RFC 4226
// HOTP with HMAC-SHA-1, 6 digits, 30-second steps, as authenticator apps expect; the
// secret is 20 random bytes shown as RFC 4648 base32 (no padding) in an otpauth:// URI.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::admin {

inline constexpr std::int64_t kTotpStepSeconds = 30;

/// RFC 4648 base32, upper case, no padding.
std::string Base32Encode(std::span<const std::uint8_t> data);
/// Accepts upper or lower case, optional '=' padding and spaces; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> Base32Decode(std::string_view text);

/// A fresh random secret, base32.
std::string NewTotpSecret();

/// The 6-digit HOTP value of counter under the (raw) secret.
std::string HotpCode(std::span<const std::uint8_t> secret, std::uint64_t counter);

/// The TOTP code of the base32 secret at unix time; nullopt for a malformed secret.
std::optional<std::string> TotpCode(std::string_view secret_base32, std::int64_t unix_time);

/// The time step (unix_time / 30) whose code equals `code`, trying the current step
/// and one step either side; nullopt when none matches. Compares in constant time.
std::optional<std::int64_t> MatchTotp(std::string_view secret_base32, std::string_view code,
                                      std::int64_t unix_time);

/// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
std::string OtpAuthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32);

} // namespace sealpost::admin
