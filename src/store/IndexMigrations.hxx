// The migrations of the index (LmdbIndex::kSchemaVersion), in order:
//   1  the transfer databases
//   2  the sender-side databases (browser clients, codes, tokens, grants)
//   3  the secrets leave the records: W_up and W_pw move from transfer records
//      into WrapFiles, file digests are sealed to the transfer key (the
//      message keeps none); the index is compacted afterwards (CompactInPlace)
//      so that no freed page keeps an old record version.
// Blocking; called once by Index's constructor before any other thread uses
// the index.
#pragma once

#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Schema.hxx"

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace sealpost::store {

class WrapFiles;

lmdb::Migration CreateDatabases(std::vector<std::string> names);

/// Version 3. Sets `moved` when any record was rewritten. Writing a wrap file
/// is the one step outside the transaction; it is idempotent (the same bytes
/// under the same name), so a migration that dies and runs again is harmless.
lmdb::Migration MoveSecretsOutOfRecords(const WrapFiles& wraps, const char* transfers_db,
                                        const char* files_db, bool& moved);

/// Replaces dir/data.mdb by a compacted copy of `env` (which is closed).
void CompactInPlace(lmdb::Env env, const std::filesystem::path& dir);

} // namespace sealpost::store
