// Access grants: what the recipient's access cookie opens after a successful
// unlock, so that the following downloads need neither the password nor
// another Argon2id run. At unlock the server makes a random 32-byte access
// key AK, wraps sk_T under it (XChaCha20-Poly1305, bound to the transfer,
// the download id and the grant id) and stores only that wrap with an expiry
// in the index's "access" database; AK lives only in the cookie
// ("sp_access", scoped by Path to /api/v1/downloads/{download_id}). A stolen
// data folder therefore holds nothing that opens the transfer; a stolen
// cookie opens one recipient's view until it expires (8 hours at most, never
// past the transfer's expiry).
//
// Threads: OpenGrant is a read and may run on the loop thread; CreateGrant
// and PruneGrants write and belong on the threadpool.
#pragma once

#include "age/AgeIdentity.hxx"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sealpost::lmdb {
class Env;
}

namespace sealpost::transfer {

inline constexpr std::string_view kAccessCookie = "sp_access";

/// Stores a grant and returns the cookie value "grant_id.AK" (base64url).
std::string CreateGrant(lmdb::Env& env, std::string_view transfer_id, std::string_view download_id,
                        const age::AgeIdentity& identity, std::int64_t expires_at);

/// The transfer identity a cookie value opens for this download, or null
/// (unknown, expired, another download, or a forged key).
std::shared_ptr<const age::AgeIdentity> OpenGrant(lmdb::Env& env, std::string_view cookie,
                                                  std::string_view transfer_id,
                                                  std::string_view download_id, std::int64_t now);

/// Deletes expired grants and those of `transfer_id` (when given: the
/// transfer was deleted); returns how many.
std::size_t PruneGrants(lmdb::Env& env, std::int64_t now, std::string_view transfer_id = {});

} // namespace sealpost::transfer
