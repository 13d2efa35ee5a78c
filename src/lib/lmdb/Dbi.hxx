// A handle to one database (the main one or a named one) inside an Env, and the single
// entry point for reading and writing key/value pairs. The handle is a small number that
// stays valid until the Env closes; LMDB releases it with the environment, so a Dbi owns
// nothing and may be copied freely (unlike Env, Txn and Cursor).
//
// Open every database once at start, in one write transaction that is committed before
// other threads use the handles (OpenIndex() in Schema.hxx does this for every existing
// database): LMDB forbids concurrent mdb_dbi_open calls that create a handle, and a handle
// created in a transaction that is aborted is closed with it. Once a handle belongs to
// the environment, Dbi::Open of that name in any transaction only looks it up, and any
// thread may use the Dbi with a Txn it is allowed to use (see Txn.hxx).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sealpost::lmdb {

class Txn;

class Dbi {
    unsigned dbi_;

    explicit Dbi(unsigned dbi) noexcept : dbi_(dbi) {}

public:
    /// Opens the named database (the main database when name is empty) with kDb* flags.
    /// Without kDbCreate a missing database throws NotFoundError; with it the Txn must be
    /// a write transaction.
    static Dbi Open(Txn& txn, std::string_view name, unsigned flags = 0);

    /// The value stored under key, or nullopt. The view points into the map and is valid
    /// until txn ends (or until txn writes to this key).
    std::optional<std::string_view> Get(Txn& txn, std::string_view key) const;

    /// Stores value under key. Returns false, writing nothing, when kPutNoOverwrite (or
    /// kPutNoDupData) is given and the key (pair) exists; true otherwise.
    /// Throws MapFullError when the map is exhausted.
    bool Put(Txn& txn, std::string_view key, std::string_view value, unsigned flags = 0) const;

    /// Deletes key (with all its values in a kDbDupSort database); false if absent.
    bool Del(Txn& txn, std::string_view key) const;

    /// kDbDupSort: deletes one key/value pair; false if absent.
    bool Del(Txn& txn, std::string_view key, std::string_view value) const;

    /// Number of entries.
    std::size_t Count(Txn& txn) const;

    /// Deletes every entry; the database itself remains.
    void Clear(Txn& txn) const;

    unsigned Handle() const noexcept { return dbi_; }
};

} // namespace sealpost::lmdb
