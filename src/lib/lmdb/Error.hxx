// Typed errors of the LMDB adapter (src/lib/lmdb/). Every failing mdb_* call made through
// the adapter is turned into one of these classes by Raise(), so callers catch the case
// they can handle (MapFullError: grow the map and retry) by type and let the rest
// propagate. "Not found" is never an error for lookups: Get() returns std::optional and
// Del() returns bool. Error objects are plain values; any thread may use them.
#pragma once

#include <stdexcept>

namespace sealpost::lmdb {

/// Base class: carries the LMDB (or errno) return code and the name of the failing call.
class Error : public std::runtime_error {
    int code_;

public:
    Error(const char* origin, int code);

    /// The raw return code (an MDB_* error constant or an errno value).
    int Code() const noexcept { return code_; }
};

/// MDB_MAP_FULL: the map size is exhausted. Abort the transaction, call Env::Grow() while
/// no transaction is live in this process, then run the write again.
class MapFullError final : public Error {
public:
    using Error::Error;
};

/// MDB_KEYEXIST where the caller did not ask for a bool answer (cursor writes).
class KeyExistError final : public Error {
public:
    using Error::Error;
};

/// MDB_NOTFOUND where absence is an error, e.g. opening a named database that does not
/// exist without kDbCreate. Lookups never throw it.
class NotFoundError final : public Error {
public:
    using Error::Error;
};

/// MDB_READERS_FULL: more concurrent read transactions than EnvOptions::max_readers.
class ReadersFullError final : public Error {
public:
    using Error::Error;
};

/// MDB_DBS_FULL: more named databases than EnvOptions::max_dbs.
class DbsFullError final : public Error {
public:
    using Error::Error;
};

/// MDB_TXN_FULL: a single write transaction touched too many pages; split the work.
class TxnFullError final : public Error {
public:
    using Error::Error;
};

/// MDB_MAP_RESIZED: another process grew the map; Env::SetMapSize(0) adopts its size.
class MapResizedError final : public Error {
public:
    using Error::Error;
};

/// The file cannot be trusted: MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_PANIC, MDB_INVALID,
/// MDB_VERSION_MISMATCH or MDB_INCOMPATIBLE. Nothing should be written after this.
class CorruptedError final : public Error {
public:
    using Error::Error;
};

/// Throws the Error subclass that matches code. origin names the failing call.
[[noreturn]] void Raise(const char* origin, int code);

/// Raise()s unless code is MDB_SUCCESS (0).
inline void Check(const char* origin, int code) {
    if (code != 0)
        Raise(origin, code);
}

} // namespace sealpost::lmdb
