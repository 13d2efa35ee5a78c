#include "store/AccessGrants.hxx"
#include "crypto/KeyWrap.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/sodium/Wipe.hxx"
#include "lib/sodium/X25519.hxx"
#include "store/Ids.hxx"
#include "store/WrapFiles.hxx"
#include "util/Base64.hxx"

#include <nlohmann/json.hpp>

#include <vector>

namespace sealpost::store {
namespace {

constexpr const char* kAccess = "access";
constexpr std::size_t kIdLength = 26;  // NewId()
constexpr std::size_t kKeyLength = 43; // 32 bytes, base64url without padding

struct Grant {
    std::string transfer_id;
    std::string download_id;
    std::int64_t expires_at = 0;
};

std::optional<Grant> ParseGrant(std::string_view data) {
    try {
        const auto j = nlohmann::json::parse(data);
        return Grant{j.at("transfer_id").get<std::string>(), j.at("download_id").get<std::string>(),
                     j.at("expires_at").get<std::int64_t>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace

std::string AccessGrants::Create(std::string_view transfer_id, std::string_view download_id,
                                 const age::AgeIdentity& identity, std::int64_t expires_at) {
    const std::string grant_id = NewId();
    const auto key = crypto::SymmetricKey::Random();
    const auto wrap = crypto::KeyWrap::Wrap(
        key, {crypto::purpose::kTransferKeyAccess, {transfer_id, download_id, grant_id}},
        identity.SecretKey());
    // The wrap first: a grant record without its wrap opens nothing.
    wraps_.Put(grant_id, WrapKind::access, wrap);
    const nlohmann::json record = {{"transfer_id", std::string(transfer_id)},
                                   {"download_id", std::string(download_id)},
                                   {"expires_at", expires_at}};
    auto txn = lmdb::Txn::BeginWrite(env_);
    lmdb::Dbi::Open(txn, kAccess).Put(txn, grant_id, record.dump());
    txn.Commit();
    return grant_id + "." + Base64Encode(key.Span(), Base64Alphabet::url, false);
}

std::shared_ptr<const age::AgeIdentity> AccessGrants::Open(std::string_view cookie,
                                                           std::string_view transfer_id,
                                                           std::string_view download_id,
                                                           std::int64_t now) const {
    const auto dot = cookie.find('.');
    if (dot != kIdLength || cookie.size() != kIdLength + 1 + kKeyLength)
        return nullptr;
    const std::string_view grant_id = cookie.substr(0, dot);
    if (!IsValidId(grant_id))
        return nullptr;
    std::optional<Grant> grant;
    {
        auto txn = lmdb::Txn::BeginRead(env_);
        const auto value = lmdb::Dbi::Open(txn, kAccess).Get(txn, grant_id);
        if (value)
            grant = ParseGrant(*value);
    }
    if (!grant || grant->expires_at <= now || grant->transfer_id != transfer_id ||
        grant->download_id != download_id)
        return nullptr;
    const auto wrap = wraps_.Get(grant_id, WrapKind::access);
    if (!wrap)
        return nullptr;
    auto key_bytes = Base64Decode(cookie.substr(dot + 1), Base64Alphabet::url, true);
    if (!key_bytes || key_bytes->size() != crypto::kSymmetricKeySize) {
        if (key_bytes)
            sodium::Wipe(key_bytes->data(), key_bytes->size());
        return nullptr;
    }
    const crypto::SymmetricKey key(std::span<const std::uint8_t, 32>(key_bytes->data(), 32));
    sodium::Wipe(key_bytes->data(), key_bytes->size());
    const auto secret = crypto::KeyWrap::Unwrap(
        key, {crypto::purpose::kTransferKeyAccess, {transfer_id, download_id, grant_id}}, *wrap);
    if (!secret || secret->size() != sodium::kX25519KeySize)
        return nullptr;
    return std::make_shared<const age::AgeIdentity>(
        age::AgeIdentity::FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize>(
            secret->data(), sodium::kX25519KeySize)));
}

std::size_t AccessGrants::Prune(std::int64_t now, std::string_view transfer_id) {
    std::vector<std::string> doomed;
    auto txn = lmdb::Txn::BeginWrite(env_);
    {
        // A write transaction frees its cursors at commit: close it first.
        lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kAccess));
        for (auto e = cursor.First(); e; e = cursor.Next()) {
            const auto grant = ParseGrant(e->value);
            if (!grant || grant->expires_at <= now ||
                (!transfer_id.empty() && grant->transfer_id == transfer_id)) {
                doomed.emplace_back(e->key);
                cursor.DelCurrent();
            }
        }
    }
    // The wraps go before the records: a crash in between leaves records
    // without wraps (which open nothing), never wraps without a record that
    // would prune them (the start-up sweep catches those too).
    for (const auto& id : doomed)
        if (IsValidId(id))
            wraps_.Destroy(id, WrapKind::access);
    txn.Commit();
    return doomed.size();
}

void AccessGrants::DestroyOrphanWraps() {
    for (const auto& [id, kind] : wraps_.List()) {
        if (kind != WrapKind::access)
            continue;
        bool known = false;
        {
            auto txn = lmdb::Txn::BeginRead(env_);
            known = lmdb::Dbi::Open(txn, kAccess).Get(txn, id).has_value();
        }
        if (!known)
            wraps_.Destroy(id, WrapKind::access);
    }
}

} // namespace sealpost::store
