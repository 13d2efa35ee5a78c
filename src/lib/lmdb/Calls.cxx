#include "Calls.hxx"
#include "Error.hxx"
#include "Flags.hxx"

namespace sealpost::lmdb::call {

static_assert(kEnvNoSubdir == MDB_NOSUBDIR && kEnvNoSync == MDB_NOSYNC &&
              kEnvReadOnly == MDB_RDONLY && kEnvNoMetaSync == MDB_NOMETASYNC &&
              kEnvWriteMap == MDB_WRITEMAP && kEnvNoReadahead == MDB_NORDAHEAD);
static_assert(kDbReverseKey == MDB_REVERSEKEY && kDbDupSort == MDB_DUPSORT &&
              kDbIntegerKey == MDB_INTEGERKEY && kDbDupFixed == MDB_DUPFIXED &&
              kDbCreate == MDB_CREATE);
static_assert(kPutNoOverwrite == MDB_NOOVERWRITE && kPutNoDupData == MDB_NODUPDATA &&
              kPutAppend == MDB_APPEND && kPutAppendDup == MDB_APPENDDUP);

MDB_env* EnvCreate() {
    MDB_env* env = nullptr;
    Check("mdb_env_create", mdb_env_create(&env));
    return env;
}

void EnvOpen(MDB_env* env, const char* path, unsigned flags, mdb_mode_t mode) {
    Check("mdb_env_open", mdb_env_open(env, path, flags, mode));
}

void EnvSetMapSize(MDB_env* env, std::size_t size) {
    Check("mdb_env_set_mapsize", mdb_env_set_mapsize(env, size));
}

void EnvSetMaxDbs(MDB_env* env, MDB_dbi count) {
    Check("mdb_env_set_maxdbs", mdb_env_set_maxdbs(env, count));
}

void EnvSetMaxReaders(MDB_env* env, unsigned count) {
    Check("mdb_env_set_maxreaders", mdb_env_set_maxreaders(env, count));
}

MDB_envinfo EnvInfo(MDB_env* env) {
    MDB_envinfo info{};
    Check("mdb_env_info", mdb_env_info(env, &info));
    return info;
}

void EnvSync(MDB_env* env, bool force) {
    Check("mdb_env_sync", mdb_env_sync(env, force ? 1 : 0));
}

void EnvCopyCompact(MDB_env* env, const char* dir) {
    Check("mdb_env_copy2", mdb_env_copy2(env, dir, MDB_CP_COMPACT));
}

int EnvReaderCheck(MDB_env* env) {
    int dead = 0;
    Check("mdb_reader_check", mdb_reader_check(env, &dead));
    return dead;
}

MDB_txn* TxnBegin(MDB_env* env, MDB_txn* parent, unsigned flags) {
    MDB_txn* txn = nullptr;
    Check("mdb_txn_begin", mdb_txn_begin(env, parent, flags, &txn));
    return txn;
}

void TxnCommit(MDB_txn* txn) {
    Check("mdb_txn_commit", mdb_txn_commit(txn));
}

void TxnRenew(MDB_txn* txn) {
    Check("mdb_txn_renew", mdb_txn_renew(txn));
}

MDB_dbi DbiOpen(MDB_txn* txn, const char* name, unsigned flags) {
    MDB_dbi dbi = 0;
    Check("mdb_dbi_open", mdb_dbi_open(txn, name, flags, &dbi));
    return dbi;
}

bool DbiOpenExisting(MDB_txn* txn, const char* name, MDB_dbi* dbi) {
    const int rc = mdb_dbi_open(txn, name, 0, dbi);
    if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
        return false;
    Check("mdb_dbi_open", rc);
    return true;
}

MDB_stat DbiStat(MDB_txn* txn, MDB_dbi dbi) {
    MDB_stat stat{};
    Check("mdb_stat", mdb_stat(txn, dbi, &stat));
    return stat;
}

void DbiDrop(MDB_txn* txn, MDB_dbi dbi, bool remove) {
    Check("mdb_drop", mdb_drop(txn, dbi, remove ? 1 : 0));
}

bool Get(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data) {
    const int rc = mdb_get(txn, dbi, key, data);
    if (rc == MDB_NOTFOUND)
        return false;
    Check("mdb_get", rc);
    return true;
}

bool Put(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data, unsigned flags) {
    const int rc = mdb_put(txn, dbi, key, data, flags);
    if (rc == MDB_KEYEXIST && (flags & (MDB_NOOVERWRITE | MDB_NODUPDATA)) != 0)
        return false;
    Check("mdb_put", rc);
    return true;
}

bool Del(MDB_txn* txn, MDB_dbi dbi, MDB_val* key, MDB_val* data) {
    const int rc = mdb_del(txn, dbi, key, data);
    if (rc == MDB_NOTFOUND)
        return false;
    Check("mdb_del", rc);
    return true;
}

MDB_cursor* CursorOpen(MDB_txn* txn, MDB_dbi dbi) {
    MDB_cursor* cursor = nullptr;
    Check("mdb_cursor_open", mdb_cursor_open(txn, dbi, &cursor));
    return cursor;
}

bool CursorGet(MDB_cursor* cursor, MDB_val* key, MDB_val* data, MDB_cursor_op op) {
    const int rc = mdb_cursor_get(cursor, key, data, op);
    if (rc == MDB_NOTFOUND)
        return false;
    Check("mdb_cursor_get", rc);
    return true;
}

void CursorDel(MDB_cursor* cursor, unsigned flags) {
    Check("mdb_cursor_del", mdb_cursor_del(cursor, flags));
}

} // namespace sealpost::lmdb::call
