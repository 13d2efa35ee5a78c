#include "Error.hxx"

#include <lmdb.h>

#include <string>

namespace sealpost::lmdb {

Error::Error(const char* origin, int code)
    : std::runtime_error(std::string(origin) + ": " + mdb_strerror(code)), code_(code) {}

void Raise(const char* origin, int code) {
    switch (code) {
    case MDB_MAP_FULL:
        throw MapFullError(origin, code);
    case MDB_KEYEXIST:
        throw KeyExistError(origin, code);
    case MDB_NOTFOUND:
        throw NotFoundError(origin, code);
    case MDB_READERS_FULL:
        throw ReadersFullError(origin, code);
    case MDB_DBS_FULL:
        throw DbsFullError(origin, code);
    case MDB_TXN_FULL:
        throw TxnFullError(origin, code);
    case MDB_MAP_RESIZED:
        throw MapResizedError(origin, code);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_PANIC:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
        throw CorruptedError(origin, code);
    default:
        throw Error(origin, code);
    }
}

} // namespace sealpost::lmdb
