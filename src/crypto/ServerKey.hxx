// ServerKey: the 32-byte key in data/keys/server.key under which sk_T is wrapped
// while a transfer is open for upload (W_up). Created at first start from the
// CSPRNG (file mode 0600 in a directory created 0700), loaded on every later
// start. A key file of the wrong size, not a regular file, not owned by this
// user, or readable or writable by group or others is refused with a message
// saying what to fix, as is a key directory writable by group or others.
// Loaded once at startup (blocking, throws); afterwards immutable, so any
// thread may use it.
#pragma once

#include "crypto/SymmetricKey.hxx"

#include <filesystem>
#include <string_view>
#include <stdexcept>
#include <utility>

namespace sealpost::crypto {

class ServerKeyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ServerKey {
    SymmetricKey key_;

    explicit ServerKey(SymmetricKey key) noexcept : key_(std::move(key)) {}

public:
    /// Loads `key_file`, creating it (and its directory) first if it does not
    /// exist. Throws ServerKeyError.
    static ServerKey LoadOrCreate(const std::filesystem::path& key_file);

    /// Loads an existing `key_file`. Throws ServerKeyError.
    static ServerKey Load(const std::filesystem::path& key_file);

    /// A key for one purpose, derived from the server key: BLAKE2b-256 keyed
    /// with the server key over `label`, so that no two purposes share a key.
    /// The raw key itself is used for nothing else.
    SymmetricKey Derive(std::string_view label) const;

    /// Whether two loaded keys are the same (constant time).
    bool SameAs(const ServerKey& other) const noexcept;
};

} // namespace sealpost::crypto
