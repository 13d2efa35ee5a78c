// Argon2id password hashing (crypto_pwhash, ALG_ARGON2ID13) as a key derivation
// function. Deliberately slow and memory-hungry: call it only off the event-loop
// thread (threadpool), with bounded concurrency. Safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sealpost::sodium {

inline constexpr std::size_t kArgon2idSaltSize = 16;

/// The bounds libsodium accepts; configuration is validated against them.
inline constexpr std::uint64_t kArgon2idMinOpsLimit = 1;
inline constexpr std::uint64_t kArgon2idMaxOpsLimit = 0xffffffffULL;
inline constexpr std::size_t kArgon2idMinMemLimit = 8192;
inline constexpr std::size_t kArgon2idMinOutput = 16;

/// Fills `out` (at least 16 bytes) with Argon2id(password, salt, opslimit, memlimit
/// in bytes). Throws std::invalid_argument for parameters out of range and
/// std::runtime_error if libsodium fails (typically: memlimit not allocatable).
void Argon2id(std::span<std::uint8_t> out, std::string_view password,
              std::span<const std::uint8_t, kArgon2idSaltSize> salt, std::uint64_t opslimit,
              std::size_t memlimit);

} // namespace sealpost::sodium
