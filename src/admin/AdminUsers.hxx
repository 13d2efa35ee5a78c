// The administrators: name, role, Argon2id password hash (crypto_pwhash_str), optional
// TOTP secret. Kept in an LMDB environment of their own, data_dir/admin/ (database
// "users": name → JSON record), created by the command line (`sealpost admin user
// add`) and read by the server at every admin request, so a removed user's sessions
// end at once, also while the server runs (LMDB is multi-process safe).
//
// The TOTP secret is stored as is (base32): it must be readable to check codes; the
// data folder is 0700. No password is stored, only its hash.
//
// Threads: Get/List are short read transactions and may run on any thread, the loop
// thread included (like the transfer index). Put/Remove write and wait for the disk:
// command line, tests or the threadpool only.
#pragma once

#include "lib/lmdb/Env.hxx"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::admin {

enum class Role { admin, auditor };
std::string_view ToString(Role role) noexcept;
std::optional<Role> ParseRole(std::string_view text) noexcept;

struct AdminUser {
    std::string name;
    Role role = Role::admin;
    std::string password_hash; ///< "$argon2id$…"
    std::string totp_secret;   ///< base32; empty: no TOTP
    std::int64_t created_at = 0;
    /// The last TOTP time step accepted at a login (0: none): a code works once,
    /// also across restarts.
    std::int64_t last_totp_step = 0;
};

/// 1–64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
bool IsValidUserName(std::string_view name) noexcept;

class AdminUsers {
public:
    static constexpr std::uint64_t kSchemaVersion = 1;

    /// Opens (creating it, mode 0700, if needed) the environment in dir, normally
    /// data_dir/admin. Throws lmdb::Error, lmdb::SchemaError, filesystem_error.
    explicit AdminUsers(const std::filesystem::path& dir);

    std::optional<AdminUser> Get(std::string_view name);
    /// Every user, by name.
    std::vector<AdminUser> List();

    /// Adds a new user; false (nothing written) when the name is taken. Throws
    /// std::invalid_argument for an invalid name.
    bool Add(const AdminUser& user);
    /// false when there was no such user.
    bool Remove(std::string_view name);

    /// Records `step` as the user's last accepted TOTP step if it is later than the
    /// one stored, in one write transaction (so of two logins racing with the same
    /// code only one wins, also across processes); false when it is not later or
    /// the user is gone. Blocking: threadpool or command line.
    bool AcceptTotpStep(std::string_view name, std::int64_t step);

private:
    lmdb::Env env_;
};

} // namespace sealpost::admin
