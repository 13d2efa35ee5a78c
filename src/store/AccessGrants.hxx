// Access grants: what the recipient's access cookie opens after a successful
// unlock, so that the following downloads need neither the password nor
// another Argon2id run. At unlock the server makes a random 32-byte access
// key AK, wraps sk_T under it (XChaCha20-Poly1305, bound to the transfer,
// the download id and the grant id) and stores that wrap as a destroyable
// wrap file (WrapFiles, kind access) and only the grant's transfer, download
// id and expiry in the index's "access" database; AK lives only in the
// cookie ("sp_access", scoped by Path to /api/v1/downloads/{download_id}). A
// stolen data folder therefore holds nothing that opens the transfer; a
// stolen cookie opens one recipient's view until it expires (8 hours at
// most, never past the transfer's expiry).
//
// Owned by Storage. Threads: Open reads a small file and the index and may
// run on the loop thread; Create and Prune write and belong on the threadpool.
#pragma once

#include "age/AgeIdentity.hxx"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sealpost::lmdb {
class Env;
}

namespace sealpost::store {

class WrapFiles;

inline constexpr std::string_view kAccessCookie = "sp_access";

class AccessGrants {
public:
    AccessGrants(lmdb::Env& env, const WrapFiles& wraps) : env_(env), wraps_(wraps) {}

    /// Stores a grant and returns the cookie value "grant_id.AK" (AK base64url).
    std::string Create(std::string_view transfer_id, std::string_view download_id,
                       const age::AgeIdentity& identity, std::int64_t expires_at);

    /// The transfer identity a cookie value opens for this download, or null
    /// (unknown, expired, another download, or a forged key).
    std::shared_ptr<const age::AgeIdentity> Open(std::string_view cookie,
                                                 std::string_view transfer_id,
                                                 std::string_view download_id,
                                                 std::int64_t now) const;

    /// Destroys expired grants and those of `transfer_id` (when given: the
    /// transfer is being deleted); returns how many.
    std::size_t Prune(std::int64_t now, std::string_view transfer_id = {});
    /// Destroys access wraps without a grant record (a crash between the two
    /// writes). Start-up only.
    void DestroyOrphanWraps();

private:
    lmdb::Env& env_;
    const WrapFiles& wraps_;
};

} // namespace sealpost::store
