#include "identity/SenderStore.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/sodium/Random.hxx"
#include "lib/sodium/Wipe.hxx"
#include "util/Base64.hxx"
#include "util/Hex.hxx"
#include "util/Text.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::identity {
namespace {

constexpr const char* kClients = "clients";
constexpr const char* kVerifications = "verifications";
constexpr const char* kTokens = "tokens";

using Bytes = std::vector<std::uint8_t>;

std::span<const std::uint8_t> AsBytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string HashHex(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
    std::array<std::uint8_t, 32> out{};
    sodium::Blake2b(out, key, message);
    return HexEncode(out);
}

Bytes CodeHash(std::span<const std::uint8_t> salt, std::string_view code) {
    Bytes out(32);
    sodium::Blake2b(out, salt, AsBytes(code));
    return out;
}

nlohmann::json ToJson(const ClientRecord& r) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& i : r.identities)
        ids.push_back({{"email", i.email},
                       {"name", i.name},
                       {"phone", i.phone},
                       {"verified_until", i.verified_until}});
    nlohmann::json j = {{"identities", ids}, {"created_at", r.created_at}};
    if (!r.key_check.empty())
        j["key_check"] = r.key_check;
    return j;
}

std::optional<ClientRecord> ParseClient(std::string_view data) {
    try {
        const auto j = nlohmann::json::parse(data);
        ClientRecord r;
        r.created_at = j.at("created_at").get<std::int64_t>();
        r.key_check = j.value("key_check", std::string());
        for (const auto& i : j.at("identities"))
            r.identities.push_back(
                {i.at("email").get<std::string>(), i.at("name").get<std::string>(),
                 i.at("phone").get<std::string>(), i.at("verified_until").get<std::int64_t>()});
        return r;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

nlohmann::json ToJson(const VerificationRecord& r) {
    return {{"id", r.id},
            {"email", r.email},
            {"name", r.name},
            {"phone", r.phone},
            {"salt", Base64Encode(r.salt)},
            {"code_hash", Base64Encode(r.code_hash)},
            {"tries_left", r.tries_left},
            {"expires_at", r.expires_at},
            {"used", r.used}};
}

std::optional<VerificationRecord> ParseVerification(std::string_view data) {
    try {
        const auto j = nlohmann::json::parse(data);
        VerificationRecord r;
        r.id = j.at("id").get<std::string>();
        r.email = j.at("email").get<std::string>();
        r.name = j.at("name").get<std::string>();
        r.phone = j.at("phone").get<std::string>();
        auto salt = Base64Decode(j.at("salt").get<std::string>());
        auto hash = Base64Decode(j.at("code_hash").get<std::string>());
        if (!salt || !hash)
            return std::nullopt;
        r.salt = std::move(*salt);
        r.code_hash = std::move(*hash);
        r.tries_left = j.at("tries_left").get<std::uint32_t>();
        r.expires_at = j.at("expires_at").get<std::int64_t>();
        r.used = j.at("used").get<bool>();
        return r;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::optional<TokenRecord> ParseToken(std::string_view data) {
    try {
        const auto j = nlohmann::json::parse(data);
        return TokenRecord{j.at("email").get<std::string>(), j.at("label").get<std::string>(),
                           j.at("created_at").get<std::int64_t>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

/// Tokens are looked up by an unkeyed hash: they are 160-bit random secrets,
/// so the hash alone does not help guess one.
std::string TokenId(std::string_view token) {
    return HashHex({}, AsBytes(token));
}

template <typename F> void WriteTxn(lmdb::Env& env, F&& body) {
    auto txn = lmdb::Txn::BeginWrite(env);
    body(txn);
    txn.Commit();
}

} // namespace

const SenderIdentity* ClientRecord::Find(std::string_view email, std::int64_t now) const {
    const std::string wanted = LowerAscii(email);
    for (const auto& i : identities)
        if (LowerAscii(i.email) == wanted && i.verified_until > now)
            return &i;
    return nullptr;
}

ClientCookie ClientCookie::New() {
    ClientCookie c;
    sodium::RandomBytes(c.client_id);
    c.client_key = crypto::SymmetricKey::Random();
    return c;
}

std::optional<ClientCookie> ClientCookie::Parse(std::string_view value) {
    if (value.size() != 64)
        return std::nullopt;
    auto bytes = Base64Decode(value, Base64Alphabet::url, true);
    if (!bytes || bytes->size() != 48) {
        if (bytes)
            sodium::Wipe(bytes->data(), bytes->size());
        return std::nullopt;
    }
    ClientCookie c;
    std::copy(bytes->begin(), bytes->begin() + 16, c.client_id.begin());
    c.client_key = crypto::SymmetricKey(std::span<const std::uint8_t, 32>(bytes->data() + 16, 32));
    sodium::Wipe(bytes->data(), bytes->size());
    // Only the canonical spelling: a value that does not encode back to
    // itself is no cookie of ours (one cookie, one string).
    std::string again = c.Encode();
    const bool canonical = sodium::ConstantTimeEqual(AsBytes(again), AsBytes(value));
    sodium::Wipe(again.data(), again.size());
    if (!canonical)
        return std::nullopt;
    return c;
}

std::string ClientCookie::Encode() const {
    std::array<std::uint8_t, 48> raw{};
    std::copy(client_id.begin(), client_id.end(), raw.begin());
    std::copy(client_key.data(), client_key.data() + 32, raw.begin() + 16);
    std::string out = Base64Encode(raw, Base64Alphabet::url, false);
    sodium::Wipe(raw.data(), raw.size());
    return out;
}

std::string ClientCookie::Handle() const {
    return HashHex({}, client_id);
}

std::string ClientCookie::KeyCheck() const {
    constexpr std::string_view kContext = "sealpost sp_client key check";
    std::array<std::uint8_t, kContext.size() + 16> message{};
    std::copy(kContext.begin(), kContext.end(), message.begin());
    std::copy(client_id.begin(), client_id.end(), message.begin() + kContext.size());
    return HashHex(std::span<const std::uint8_t>(client_key.data(), 32), message);
}

NewVerification MakeVerification(std::string email, std::string name, std::string phone,
                                 std::int64_t expires_at, std::uint32_t tries) {
    NewVerification v;
    std::array<std::uint8_t, 16> id{};
    sodium::RandomBytes(id);
    v.record.id = Base64Encode(id, Base64Alphabet::url, false);
    for (int i = 0; i < 8; ++i)
        v.code += static_cast<char>('0' + sodium::RandomUniform(10));
    v.record.email = std::move(email);
    v.record.name = std::move(name);
    v.record.phone = std::move(phone);
    v.record.salt.resize(32);
    sodium::RandomBytes(v.record.salt);
    v.record.code_hash = CodeHash(v.record.salt, v.code);
    v.record.tries_left = tries;
    v.record.expires_at = expires_at;
    return v;
}

std::optional<ClientRecord> SenderStore::GetClient(std::string_view handle) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kClients).Get(txn, handle);
    return value ? ParseClient(*value) : std::nullopt;
}

std::optional<ClientRecord> SenderStore::GetClient(const ClientCookie& cookie) {
    auto record = GetClient(cookie.Handle());
    if (!record || record->key_check.empty())
        return std::nullopt;
    const std::string expected = cookie.KeyCheck();
    if (!sodium::ConstantTimeEqual(AsBytes(expected), AsBytes(record->key_check)))
        return std::nullopt;
    return record;
}

std::optional<VerificationRecord> SenderStore::GetVerification(std::string_view id) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kVerifications).Get(txn, id);
    return value ? ParseVerification(*value) : std::nullopt;
}

std::optional<TokenRecord> SenderStore::GetToken(std::string_view token) {
    if (token.empty() || token.size() > 256)
        return std::nullopt;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kTokens).Get(txn, TokenId(token));
    return value ? ParseToken(*value) : std::nullopt;
}

std::vector<std::pair<std::string, TokenRecord>> SenderStore::ListTokens() {
    std::vector<std::pair<std::string, TokenRecord>> out;
    auto txn = lmdb::Txn::BeginRead(env_);
    lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kTokens));
    for (auto e = cursor.First(); e; e = cursor.Next())
        if (auto record = ParseToken(e->value))
            out.emplace_back(std::string(e->key), std::move(*record));
    return out;
}

void SenderStore::PutClient(std::string_view handle, const ClientRecord& record) {
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kClients).Put(txn, handle, ToJson(record).dump());
    });
}

void SenderStore::DeleteClient(std::string_view handle) {
    WriteTxn(env_, [&](lmdb::Txn& txn) { lmdb::Dbi::Open(txn, kClients).Del(txn, handle); });
}

void SenderStore::PutVerification(const VerificationRecord& record) {
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kVerifications).Put(txn, record.id, ToJson(record).dump());
    });
}

SenderStore::CodeResult SenderStore::ConfirmCode(std::string_view id, std::string_view code,
                                                 std::int64_t now, VerificationRecord& out) {
    CodeResult result = CodeResult::unknown;
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        const auto dbi = lmdb::Dbi::Open(txn, kVerifications);
        const auto value = dbi.Get(txn, id);
        auto record = value ? ParseVerification(*value) : std::nullopt;
        if (!record)
            return;
        if (record->used || record->tries_left == 0) {
            result = CodeResult::used_up;
        } else if (record->expires_at <= now) {
            result = CodeResult::expired;
        } else {
            const Bytes hash = CodeHash(record->salt, code);
            if (sodium::ConstantTimeEqual(hash, record->code_hash)) {
                record->used = true;
                result = CodeResult::confirmed;
            } else {
                --record->tries_left;
                result = CodeResult::wrong;
            }
            dbi.Put(txn, record->id, ToJson(*record).dump());
        }
        out = *record;
    });
    return result;
}

ClientRecord SenderStore::AddIdentity(const ClientCookie& cookie, const SenderIdentity& identity,
                                      std::int64_t now) {
    ClientRecord record;
    const std::string handle = cookie.Handle();
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        const auto dbi = lmdb::Dbi::Open(txn, kClients);
        const auto value = dbi.Get(txn, handle);
        auto existing = value ? ParseClient(*value) : std::nullopt;
        record = existing ? std::move(*existing) : ClientRecord{{}, now, cookie.KeyCheck()};
        const std::string wanted = LowerAscii(identity.email);
        std::erase_if(record.identities,
                      [&](const SenderIdentity& i) { return LowerAscii(i.email) == wanted; });
        record.identities.push_back(identity);
        dbi.Put(txn, handle, ToJson(record).dump());
    });
    return record;
}

ClientRecord SenderStore::ReplaceClient(const ClientCookie* old_cookie, const ClientCookie& fresh,
                                        const SenderIdentity& identity, std::int64_t now) {
    ClientRecord record{{}, now, {}};
    const std::string new_handle = fresh.Handle();
    const std::string old_handle = old_cookie ? old_cookie->Handle() : std::string();
    const std::string old_check = old_cookie ? old_cookie->KeyCheck() : std::string();
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        const auto dbi = lmdb::Dbi::Open(txn, kClients);
        if (!old_handle.empty() && old_handle != new_handle) {
            // Only the browser's own record moves: a cookie with its client id
            // and another key neither takes nor deletes it.
            const auto value = dbi.Get(txn, old_handle);
            auto existing = value ? ParseClient(*value) : std::nullopt;
            if (existing && !existing->key_check.empty() &&
                sodium::ConstantTimeEqual(AsBytes(existing->key_check), AsBytes(old_check))) {
                record = std::move(*existing);
                dbi.Del(txn, old_handle);
            }
        }
        record.key_check = fresh.KeyCheck();
        const std::string wanted = LowerAscii(identity.email);
        std::erase_if(record.identities,
                      [&](const SenderIdentity& i) { return LowerAscii(i.email) == wanted; });
        record.identities.push_back(identity);
        dbi.Put(txn, new_handle, ToJson(record).dump());
    });
    return record;
}

void SenderStore::Renew(std::string_view handle, std::string_view email, std::int64_t until) {
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        const auto dbi = lmdb::Dbi::Open(txn, kClients);
        const auto value = dbi.Get(txn, handle);
        auto record = value ? ParseClient(*value) : std::nullopt;
        if (!record)
            return;
        const std::string wanted = LowerAscii(email);
        for (auto& i : record->identities)
            if (LowerAscii(i.email) == wanted && i.verified_until < until)
                i.verified_until = until;
        dbi.Put(txn, handle, ToJson(*record).dump());
    });
}

std::size_t SenderStore::PruneVerifications(std::int64_t now) {
    std::size_t removed = 0;
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kVerifications));
        for (auto e = cursor.First(); e; e = cursor.Next()) {
            const auto record = ParseVerification(e->value);
            if (!record || record->expires_at <= now) {
                cursor.DelCurrent();
                ++removed;
            }
        }
    });
    return removed;
}

std::string SenderStore::CreateToken(std::string_view email, std::string_view label,
                                     std::int64_t now) {
    std::array<std::uint8_t, 20> raw{};
    sodium::RandomBytes(raw);
    const std::string token = "spt_" + Base64Encode(raw, Base64Alphabet::url, false);
    const nlohmann::json record = {
        {"email", std::string(email)}, {"label", std::string(label)}, {"created_at", now}};
    WriteTxn(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kTokens).Put(txn, TokenId(token), record.dump());
    });
    return token;
}

bool SenderStore::DeleteToken(std::string_view id) {
    bool removed = false;
    WriteTxn(env_, [&](lmdb::Txn& txn) { removed = lmdb::Dbi::Open(txn, kTokens).Del(txn, id); });
    return removed;
}

} // namespace sealpost::identity
