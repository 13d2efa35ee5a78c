// Versioning of the on-disk index. A named database "meta" holds the key
// "schema_version" (decimal text); a fresh environment is version 0. OpenIndex() brings
// an index up to the version this build expects by running migrations in order, each in
// its own write transaction that also records the new version, so every migration runs
// exactly once even if the process dies in between. An index written by a newer sealpost
// is refused rather than misread. Every named database is opened before OpenIndex()
// returns, so Dbi::Open() of an existing database afterwards only looks the handle up and
// is safe in any transaction on any thread.
//
// Threads: call OpenIndex() once at start, before any other thread touches the index; it
// returns the Env, which the caller then owns (see Env.hxx for the thread rules).
#pragma once

#include "Env.hxx"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>

namespace sealpost::lmdb {

class Txn;

/// The index's version cannot be used by this build, or the version record is damaged.
class SchemaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Moves the index from version n to n + 1 inside the given write transaction: creates
/// databases (Dbi::Open with kDbCreate), rewrites records. Must touch nothing outside txn.
using Migration = std::function<void(Txn& txn)>;

inline constexpr const char* kMetaDatabase = "meta";
inline constexpr const char* kSchemaVersionKey = "schema_version";

/// The recorded schema version; 0 when the index has never been migrated.
/// Throws SchemaError when the record is not a number.
std::uint64_t ReadSchemaVersion(Txn& txn);

/// Opens the environment in dir and migrates it to expected_version, where migrations[n]
/// moves version n to n + 1 (so migrations.size() must equal expected_version; otherwise
/// std::invalid_argument). Throws SchemaError when the index is newer than
/// expected_version, lmdb::Error on storage failures. options.max_dbs must leave room for
/// the "meta" database.
Env OpenIndex(const std::filesystem::path& dir, std::uint64_t expected_version,
              std::span<const Migration> migrations, const EnvOptions& options = {});

} // namespace sealpost::lmdb
