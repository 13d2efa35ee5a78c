#include "transfer/AccessGrants.hxx"
#include "crypto/KeyWrap.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/sodium/Random.hxx"
#include "lib/sodium/Wipe.hxx"
#include "lib/sodium/X25519.hxx"
#include "util/Base64.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::transfer {
namespace {

constexpr const char* kAccess = "access";

struct Grant {
    std::string transfer_id;
    std::string download_id;
    std::vector<std::uint8_t> wrap;
    std::int64_t expires_at = 0;
};

std::optional<Grant> ParseGrant(std::string_view data) {
    try {
        const auto j = nlohmann::json::parse(data);
        auto wrap = Base64Decode(j.at("wrap").get<std::string>());
        if (!wrap)
            return std::nullopt;
        return Grant{j.at("transfer_id").get<std::string>(), j.at("download_id").get<std::string>(),
                     std::move(*wrap), j.at("expires_at").get<std::int64_t>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace

std::string CreateGrant(lmdb::Env& env, std::string_view transfer_id, std::string_view download_id,
                        const age::AgeIdentity& identity, std::int64_t expires_at) {
    std::array<std::uint8_t, 16> id_bytes{};
    sodium::RandomBytes(id_bytes);
    const std::string grant_id = Base64Encode(id_bytes, Base64Alphabet::url, false);
    const auto key = crypto::SymmetricKey::Random();
    const auto wrap = crypto::KeyWrap::Wrap(
        key, {crypto::purpose::kTransferKeyAccess, {transfer_id, download_id, grant_id}},
        identity.SecretKey());
    const nlohmann::json record = {{"transfer_id", std::string(transfer_id)},
                                   {"download_id", std::string(download_id)},
                                   {"wrap", Base64Encode(wrap)},
                                   {"expires_at", expires_at}};
    auto txn = lmdb::Txn::BeginWrite(env);
    lmdb::Dbi::Open(txn, kAccess).Put(txn, grant_id, record.dump());
    txn.Commit();
    return grant_id + "." + Base64Encode(key.Span(), Base64Alphabet::url, false);
}

std::shared_ptr<const age::AgeIdentity> OpenGrant(lmdb::Env& env, std::string_view cookie,
                                                  std::string_view transfer_id,
                                                  std::string_view download_id, std::int64_t now) {
    const auto dot = cookie.find('.');
    if (dot != 22 || cookie.size() != 22 + 1 + 43)
        return nullptr;
    const std::string_view grant_id = cookie.substr(0, dot);
    std::optional<Grant> grant;
    {
        auto txn = lmdb::Txn::BeginRead(env);
        const auto value = lmdb::Dbi::Open(txn, kAccess).Get(txn, grant_id);
        if (value)
            grant = ParseGrant(*value);
    }
    if (!grant || grant->expires_at <= now || grant->transfer_id != transfer_id ||
        grant->download_id != download_id)
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
        key, {crypto::purpose::kTransferKeyAccess, {transfer_id, download_id, grant_id}},
        grant->wrap);
    if (!secret || secret->size() != sodium::kX25519KeySize)
        return nullptr;
    return std::make_shared<const age::AgeIdentity>(
        age::AgeIdentity::FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize>(
            secret->data(), sodium::kX25519KeySize)));
}

std::size_t PruneGrants(lmdb::Env& env, std::int64_t now, std::string_view transfer_id) {
    std::size_t removed = 0;
    auto txn = lmdb::Txn::BeginWrite(env);
    {
        // A write transaction frees its cursors at commit: close it first.
        lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kAccess));
        for (auto e = cursor.First(); e; e = cursor.Next()) {
            const auto grant = ParseGrant(e->value);
            if (!grant || grant->expires_at <= now ||
                (!transfer_id.empty() && grant->transfer_id == transfer_id)) {
                cursor.DelCurrent();
                ++removed;
            }
        }
    }
    txn.Commit();
    return removed;
}

} // namespace sealpost::transfer
