// The checked procedural layer of the LMDB adapter: one function per mdb_* call used by
// sealpost, each turning a failing return code into a typed lmdb::Error (Error.hxx).
// Expected outcomes are values, not exceptions: a missing key is `false`, an existing key
// under kPutNoOverwrite is `false`. The RAII classes (Env, Txn, Dbi, Cursor) are built on
// these; code outside src/lib/lmdb/ uses those classes and never sees <lmdb.h>.
// Thread rules are LMDB's own (see Env.hxx); these functions add no state.
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <string_view>

namespace sealpost::lmdb::call {

inline MDB_val ToVal(std::string_view bytes) noexcept {
    return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

inline std::string_view ToView(const MDB_val& val) noexcept {
    return {static_cast<const char*>(val.mv_data), val.mv_size};
}

MDB_env* EnvCreate();
void EnvOpen(MDB_env* env, const char* path, unsigned flags, mdb_mode_t mode);
void EnvSetMapSize(MDB_env* env, std::size_t size);
void EnvSetMaxDbs(MDB_env* env, MDB_dbi count);
void EnvSetMaxReaders(MDB_env* env, unsigned count);
MDB_envinfo EnvInfo(MDB_env* env);
void EnvSync(MDB_env* env, bool force);
/// Clears reader slots left by dead processes; returns how many were cleared.
int EnvReaderCheck(MDB_env* env);
/// mdb_env_copy2 with MDB_CP_COMPACT into the existing, empty directory `dir`.
void EnvCopyCompact(MDB_env* env, const char* dir);

MDB_txn* TxnBegin(MDB_env* env, MDB_txn* parent, unsigned flags);
void TxnCommit(MDB_txn* txn);
void TxnRenew(MDB_txn* txn);

/// Throws NotFoundError when the database is missing and flags lacks MDB_CREATE.
MDB_dbi DbiOpen(MDB_txn* txn, const char* name, unsigned flags);
/// Opens the named database if it exists; false when name is absent or is a plain key of
/// the main database rather than a database.
bool DbiOpenExisting(MDB_txn* txn, const char* name, MDB_dbi* dbi);
MDB_stat DbiStat(MDB_txn* txn, MDB_dbi dbi);
/// Empties the database (remove == false) or deletes it (remove == true).
void DbiDrop(MDB_txn* txn, MDB_dbi dbi, bool remove);

/// false when the key is absent.
bool Get(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data);
/// false when MDB_NOOVERWRITE or MDB_NODUPDATA kept an existing entry.
bool Put(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data, unsigned flags);
/// false when nothing matched; data may be nullptr (all values of the key).
bool Del(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data);

MDB_cursor* CursorOpen(MDB_txn* txn, MDB_dbi dbi);
/// false when the requested position does not exist (end of data, key absent).
bool CursorGet(MDB_cursor* cursor, MDB_val* key, MDB_val* data, MDB_cursor_op op);
void CursorDel(MDB_cursor* cursor, unsigned flags);

} // namespace sealpost::lmdb::call
