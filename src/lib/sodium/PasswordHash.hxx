// Password verification strings (crypto_pwhash_str with Argon2id): the salt and the
// cost are encoded in the "$argon2id$v=19$m=…,t=…,p=1$…" string, so a stored hash stays
// verifiable when the configured cost changes. For administrator passwords. Slow on
// purpose: call it off the event-loop thread (threadpool, bounded concurrency).
// Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sealpost::sodium {

/// The encoded Argon2id hash of password. Throws std::invalid_argument for a cost
/// out of libsodium's range, std::runtime_error when the memory cannot be had.
std::string PasswordHashString(std::string_view password, std::uint64_t opslimit,
                               std::size_t memlimit);

/// True when password matches the encoded hash; false for a wrong password or a
/// malformed hash.
bool PasswordVerifyString(std::string_view hash, std::string_view password);

} // namespace sealpost::sodium
