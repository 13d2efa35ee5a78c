// The sender side of the index (README): browsers that verified one or
// more sender addresses, the pending e-mailed verification codes, and the API
// tokens an administrator issues for automation. Kept in the transfer index's
// LMDB environment (named databases "clients", "verifications", "tokens";
// LmdbIndex::kSenderDatabases).
//
// Nothing stored here opens anything: a browser is known by a hash of the
// client id its sp_client cookie carries, and its record accepts only the
// cookie whose client key CK matches a check stored with it (a hash keyed with
// CK; CK itself, which QUICK derives personal keys from, is never stored); a
// code and a token are stored only as keyed/plain BLAKE2b hashes.
//
// Threads: reads may run on any thread (the loop thread included); writes
// wait for the disk and belong on the threadpool.
#pragma once

#include "crypto/SymmetricKey.hxx"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::lmdb {
class Env;
}

namespace sealpost::identity {

/// One verified sender address in one browser.
struct SenderIdentity {
    std::string email;
    std::string name;
    std::string phone;
    std::int64_t verified_until = 0; ///< unix seconds; renewed on use
};

struct ClientRecord {
    std::vector<SenderIdentity> identities;
    std::int64_t created_at = 0;
    /// ClientCookie::KeyCheck() of the cookie this record belongs to; a record
    /// without one (written before it existed) opens for no cookie.
    std::string key_check;

    /// The identity for `email` (case-insensitive) verified at `now`, if any.
    const SenderIdentity* Find(std::string_view email, std::int64_t now) const;
};

/// The contents of an sp_client cookie: a random 16-byte client id and the
/// 32-byte client key CK, base64url-encoded together (64 characters).
struct ClientCookie {
    std::array<std::uint8_t, 16> client_id{};
    crypto::SymmetricKey client_key;

    static ClientCookie New();
    static std::optional<ClientCookie> Parse(std::string_view value);
    std::string Encode() const;
    /// How the index knows this browser: hex BLAKE2b-256 of the client id.
    std::string Handle() const;
    /// What the record keeps to tell the cookie's key from any other: hex
    /// BLAKE2b-256 of the client id keyed with CK (which it does not reveal).
    std::string KeyCheck() const;
};

struct VerificationRecord {
    std::string id;
    std::string email;
    std::string name;
    std::string phone;
    std::vector<std::uint8_t> salt;      ///< 32 random bytes
    std::vector<std::uint8_t> code_hash; ///< BLAKE2b-256(key = salt, code)
    std::uint32_t tries_left = 5;
    std::int64_t expires_at = 0;
    bool used = false;
};

struct TokenRecord {
    std::string email;
    std::string label;
    std::int64_t created_at = 0;
};

/// A fresh verification: the record to store and the code to mail (8 digits).
struct NewVerification {
    VerificationRecord record;
    std::string code;
};
NewVerification MakeVerification(std::string email, std::string name, std::string phone,
                                 std::int64_t expires_at, std::uint32_t tries);

class SenderStore {
public:
    explicit SenderStore(lmdb::Env& env) : env_(env) {}

    // Reads.
    /// The record under `handle`, unchecked (for a handle taken from a
    /// cookie GetClient(cookie) already accepted).
    std::optional<ClientRecord> GetClient(std::string_view handle);
    /// The browser's record if the cookie's client id AND key match it (the
    /// key compared in constant time); nullopt otherwise.
    std::optional<ClientRecord> GetClient(const ClientCookie& cookie);
    std::optional<VerificationRecord> GetVerification(std::string_view id);
    /// The token's record; `token` is the secret as presented.
    std::optional<TokenRecord> GetToken(std::string_view token);
    std::vector<std::pair<std::string, TokenRecord>> ListTokens();

    // Writes (off the loop thread).
    void PutClient(std::string_view handle, const ClientRecord& record);
    void DeleteClient(std::string_view handle);
    void PutVerification(const VerificationRecord& record);

    enum class CodeResult { confirmed, wrong, expired, used_up, unknown };
    /// Checks a code atomically: a wrong one uses up a try; the right one
    /// marks the verification used. `out` receives the record after it.
    CodeResult ConfirmCode(std::string_view id, std::string_view code, std::int64_t now,
                           VerificationRecord& out);
    /// Adds (or renews) `identity` in the browser of `cookie`, creating its record.
    ClientRecord AddIdentity(const ClientCookie& cookie, const SenderIdentity& identity,
                             std::int64_t now);
    /// In one transaction: moves the client record of `old_cookie` (if any, and
    /// only if its key matches) to `fresh`, adds (or renews) `identity` there,
    /// and deletes the old one. See ClientRotation.hxx.
    ClientRecord ReplaceClient(const ClientCookie* old_cookie, const ClientCookie& fresh,
                               const SenderIdentity& identity, std::int64_t now);
    /// Pushes verified_until of `email` in `handle` to `until` (a use renews it).
    void Renew(std::string_view handle, std::string_view email, std::int64_t until);
    /// Removes verification records that expired before `now`; how many.
    std::size_t PruneVerifications(std::int64_t now);

    /// Issues an API token bound to `email`; returns the secret (shown once).
    std::string CreateToken(std::string_view email, std::string_view label, std::int64_t now);
    /// Revokes a token by its id (the hash ListTokens shows); false if absent.
    bool DeleteToken(std::string_view id);

private:
    lmdb::Env& env_;
};

} // namespace sealpost::identity
