#include "store/IndexMigrations.hxx"
#include "age/AgeRecipient.hxx"
#include "crypto/SealedMetadata.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Txn.hxx"
#include "store/Ids.hxx"
#include "store/WrapFiles.hxx"
#include "util/Base64.hxx"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <utility>

namespace sealpost::store {
namespace {

using nlohmann::json;

std::vector<std::pair<std::string, json>> ReadAll(lmdb::Txn& txn, const lmdb::Dbi& dbi) {
    std::vector<std::pair<std::string, json>> all;
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next()) {
        auto j = json::parse(e->value, nullptr, false);
        if (!j.is_discarded() && j.is_object())
            all.emplace_back(std::string(e->key), std::move(j));
    }
    return all;
}

std::optional<std::vector<std::uint8_t>> TakeBytes(json& j, const char* key) {
    if (!j.contains(key))
        return std::nullopt;
    const auto text = j[key].is_string() ? j[key].get<std::string>() : std::string();
    j.erase(key);
    auto bytes = Base64Decode(text);
    if (!bytes || bytes->empty())
        return std::nullopt;
    return bytes;
}

void SyncPath(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

lmdb::Migration CreateDatabases(std::vector<std::string> names) {
    return [names = std::move(names)](lmdb::Txn& txn) {
        for (const auto& name : names)
            lmdb::Dbi::Open(txn, name.c_str(), lmdb::kDbCreate);
    };
}

lmdb::Migration MoveSecretsOutOfRecords(const WrapFiles& wraps, const char* transfers_db,
                                        const char* files_db, bool& moved) {
    return [&wraps, transfers_db, files_db, &moved](lmdb::Txn& txn) {
        const auto transfers = lmdb::Dbi::Open(txn, transfers_db);
        const auto files = lmdb::Dbi::Open(txn, files_db);
        std::map<std::string, std::pair<std::string, std::string>> messages_and_keys;
        for (auto& [id, j] : ReadAll(txn, transfers)) {
            const bool live = j.value("status", "") == "open" || j.value("status", "") == "provided";
            const auto w_up = TakeBytes(j, "w_up");
            const auto w_pw = TakeBytes(j, "w_pw");
            if (live && IsValidId(id)) {
                if (w_up && j.value("status", "") == "open")
                    wraps.Put(id, WrapKind::upload, *w_up);
                if (w_pw)
                    wraps.Put(id, WrapKind::password, *w_pw);
            }
            messages_and_keys[id] = {j.value("message_file_id", ""), j.value("public_key", "")};
            transfers.Put(txn, id, j.dump());
            moved = true;
        }
        for (auto& [id, j] : ReadAll(txn, files)) {
            const std::string sha256 = j.value("sha256", "");
            const std::uint32_t crc32 = j.value("crc32", std::uint32_t{0});
            j.erase("sha256");
            j.erase("crc32");
            const std::string transfer_id = j.value("transfer_id", "");
            const auto owner = messages_and_keys.find(transfer_id);
            if (!sha256.empty() && owner != messages_and_keys.end() &&
                owner->second.first != id) {
                if (const auto recipient = age::AgeRecipient::FromString(owner->second.second))
                    j["sealed_digest"] = Base64Encode(crypto::SealedMetadata::Seal(
                        *recipient,
                        crypto::WrapContext(crypto::purpose::kFileDigest, {transfer_id, id}),
                        sha256 + " " + std::to_string(crc32)));
            }
            files.Put(txn, id, j.dump());
            moved = true;
        }
    };
}

void CompactInPlace(lmdb::Env env, const std::filesystem::path& dir) {
    const auto compact = dir / "compact";
    std::filesystem::remove_all(compact);
    std::filesystem::create_directories(compact);
    env.CopyCompact(compact);
    { lmdb::Env closing = std::move(env); }
    SyncPath(compact / "data.mdb", O_RDONLY);
    std::filesystem::rename(compact / "data.mdb", dir / "data.mdb");
    SyncPath(dir, O_RDONLY | O_DIRECTORY);
    std::filesystem::remove_all(compact);
}

} // namespace sealpost::store
