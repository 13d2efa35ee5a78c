// Password-based key derivation: KEK = Argon2id(password, 16-byte salt, cost).
// Blocking and deliberately expensive (default 2 passes over 64 MiB): call it
// from threadpool workers with bounded concurrency, never on the loop
// thread. Any thread.
#pragma once

#include "crypto/SymmetricKey.hxx"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sealpost::crypto {

inline constexpr std::size_t kKdfSaltSize = 16;
using KdfSalt = std::array<std::uint8_t, kKdfSaltSize>;

/// Argon2id cost. The bounds keep a damaged or hostile record from demanding
/// unbounded time or memory; configuration is validated against them.
struct KdfParams {
    static constexpr std::uint64_t kMinOpsLimit = 1;
    static constexpr std::uint64_t kMaxOpsLimit = 64;
    static constexpr std::uint64_t kMinMemLimit = 8 * 1024;
    static constexpr std::uint64_t kMaxMemLimit = std::uint64_t{4} << 30;

    std::uint64_t opslimit = 2;
    std::uint64_t memlimit = 64 * 1024 * 1024;

    bool IsValid() const noexcept {
        return opslimit >= kMinOpsLimit && opslimit <= kMaxOpsLimit && memlimit >= kMinMemLimit &&
               memlimit <= kMaxMemLimit;
    }

    bool operator==(const KdfParams&) const = default;
};

/// A fresh random salt.
KdfSalt NewKdfSalt();

/// Argon2id(password, salt, params) as a 32-byte key. Throws std::invalid_argument
/// for invalid params and std::runtime_error if the memory cannot be had.
SymmetricKey DeriveKek(std::string_view password, std::span<const std::uint8_t, kKdfSaltSize> salt,
                       const KdfParams& params);

} // namespace sealpost::crypto
