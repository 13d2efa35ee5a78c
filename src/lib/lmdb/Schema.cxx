#include "Schema.hxx"
#include "Calls.hxx"
#include "Cursor.hxx"
#include "Dbi.hxx"
#include "Error.hxx"
#include "Flags.hxx"
#include "Txn.hxx"
#include "Update.hxx"

#include <charconv>
#include <string>
#include <vector>

namespace sealpost::lmdb {

std::uint64_t ReadSchemaVersion(Txn& txn) {
    std::optional<Dbi> meta;
    try {
        meta = Dbi::Open(txn, kMetaDatabase);
    } catch (const NotFoundError&) {
        return 0;
    }
    const auto text = meta->Get(txn, kSchemaVersionKey);
    if (!text)
        return 0;
    std::uint64_t version = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, version);
    if (ec != std::errc() || ptr != end || text->empty())
        throw SchemaError("index meta record schema_version is damaged: \"" + std::string(*text) +
                          "\"");
    return version;
}

namespace {

/// Opens every named database in one committed write transaction, so that the handles
/// belong to the environment before other threads run: a later Dbi::Open of these names,
/// in any transaction on any thread, is then a lookup that changes nothing (a handle first
/// opened in a transaction that is aborted would be closed again with it).
void OpenAllNamedDatabases(Env& env) {
    Txn txn = Txn::BeginWrite(env);
    std::vector<std::string> names;
    {
        const Dbi main = Dbi::Open(txn, "");
        Cursor cursor(txn, main);
        for (auto entry = cursor.First(); entry; entry = cursor.Next())
            if (entry->key.find('\0') == std::string_view::npos)
                names.emplace_back(entry->key);
    }
    for (const auto& name : names) {
        MDB_dbi dbi = 0;
        call::DbiOpenExisting(txn.Handle(), name.c_str(), &dbi);
    }
    txn.Commit();
}

} // namespace

Env OpenIndex(const std::filesystem::path& dir, std::uint64_t expected_version,
              std::span<const Migration> migrations, const EnvOptions& options) {
    if (migrations.size() != expected_version)
        throw std::invalid_argument("OpenIndex: " + std::to_string(migrations.size()) +
                                    " migrations given for schema version " +
                                    std::to_string(expected_version));

    Env env(dir, options);
    std::uint64_t version;
    {
        Txn txn = Txn::BeginRead(env);
        version = ReadSchemaVersion(txn);
    }
    if (version > expected_version)
        throw SchemaError("the index in " + dir.string() + " has schema version " +
                          std::to_string(version) + ", but this sealpost understands at most " +
                          std::to_string(expected_version) +
                          "; it was written by a newer sealpost, which must be used instead");

    for (; version < expected_version; ++version) {
        Update(env, [&](Txn& txn) {
            // Re-read under the write lock: another process may have migrated meanwhile.
            if (ReadSchemaVersion(txn) != version)
                return;
            migrations[version](txn);
            const Dbi meta = Dbi::Open(txn, kMetaDatabase, kDbCreate);
            meta.Put(txn, kSchemaVersionKey, std::to_string(version + 1));
        });
    }
    OpenAllNamedDatabases(env);
    return env;
}

} // namespace sealpost::lmdb
