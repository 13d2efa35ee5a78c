// Test helper: creates a named database in its own committed write transaction, the way
// sealpost opens its databases at start. Test code; one thread.
#pragma once

#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Txn.hxx"

#include <string_view>

namespace sealpost::test {

inline lmdb::Dbi CreateDatabase(lmdb::Env& env, std::string_view name) {
    lmdb::Txn txn = lmdb::Txn::BeginWrite(env);
    const lmdb::Dbi dbi = lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    txn.Commit();
    return dbi;
}

} // namespace sealpost::test
