#include "store/QuickKeys.hxx"
#include "crypto/KeyWrap.hxx"
#include "crypto/PersonalKey.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/sodium/Blake2b.hxx"
#include "lib/sodium/Random.hxx"
#include "lib/sodium/Wipe.hxx"
#include "store/Ids.hxx"
#include "store/WrapFiles.hxx"
#include "util/Hex.hxx"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace sealpost::store {
namespace {

constexpr const char* kKeys = "quick_keys";
constexpr const char* kPairs = "quick_pairs";
constexpr const char* kCodes = "quick_codes";
constexpr std::size_t kHandleLength = 64; // hex BLAKE2b-256 (ClientCookie::Handle)
constexpr std::size_t kAddressKeyLength = 32;
constexpr std::size_t kIdLength = 26; // NewId()
constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford
constexpr std::size_t kCodeLength = 20;

std::span<const std::uint8_t> Bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Fixed-width key part for an address: hex BLAKE2b-128 of the normalised
/// address (keys stay short whatever the address; the value keeps it).
std::string AddressKey(std::string_view address) {
    const std::string normalised = crypto::NormaliseAddress(address);
    std::array<std::uint8_t, 16> digest{};
    sodium::Blake2b(digest, {}, Bytes(normalised));
    return HexEncode(digest);
}

/// quick_keys: handle | h(email) | h(partner) | key id.
std::string HoldingKey(std::string_view handle, std::string_view email, std::string_view partner,
                       std::string_view key_id) {
    return std::string(handle) + AddressKey(email) + AddressKey(partner) + std::string(key_id);
}

/// quick_pairs: h(email) | h(partner) | key id | handle.
std::string PairKey(std::string_view email, std::string_view partner, std::string_view key_id,
                    std::string_view handle) {
    return AddressKey(email) + AddressKey(partner) + std::string(key_id) + std::string(handle);
}

/// The wrap context of a holding: both addresses sorted, then the key id.
struct SharedContext {
    std::string low, high, key_id;
    SharedContext(std::string_view a, std::string_view b, std::string_view id)
        : low(crypto::NormaliseAddress(a)), high(crypto::NormaliseAddress(b)), key_id(id) {
        if (high < low)
            std::swap(low, high);
    }
    crypto::WrapContext Get() const { return {crypto::purpose::kQuickSharedKey, {low, high, key_id}}; }
};

std::optional<QuickConnection> ParseHolding(std::string_view key, std::string_view value) {
    if (key.size() != kHandleLength + 2 * kAddressKeyLength + kIdLength)
        return std::nullopt;
    try {
        const auto j = nlohmann::json::parse(value);
        QuickConnection c;
        c.handle = std::string(key.substr(0, kHandleLength));
        c.key_id = std::string(key.substr(kHandleLength + 2 * kAddressKeyLength));
        c.email = j.at("email").get<std::string>();
        c.partner = j.at("partner").get<std::string>();
        c.wrap_id = j.at("wrap_id").get<std::string>();
        c.created_at = j.at("created_at").get<std::int64_t>();
        return c;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

/// Holdings under a key prefix of quick_keys.
std::vector<QuickConnection> Holdings(lmdb::Txn& txn, std::string_view prefix) {
    std::vector<QuickConnection> out;
    lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kKeys));
    cursor.ForEachPrefix(prefix, [&](const auto& e) {
        if (auto c = ParseHolding(e.key, e.value))
            out.push_back(std::move(*c));
    });
    return out;
}

/// Deletes one holding's two records (the caller destroys the wrap after commit).
void DeleteHolding(lmdb::Txn& txn, const QuickConnection& c) {
    lmdb::Dbi::Open(txn, kKeys).Del(txn, HoldingKey(c.handle, c.email, c.partner, c.key_id));
    lmdb::Dbi::Open(txn, kPairs).Del(txn, PairKey(c.email, c.partner, c.key_id, c.handle));
}

struct CodeRecord {
    std::string email;
    std::string code_id;
    std::string wrap_id;
    std::int64_t expires_at = 0;
    std::uint32_t tries_left = 0;
    std::vector<std::string> partners;

    nlohmann::json ToJson() const {
        return {{"email", email},           {"wrap_id", wrap_id}, {"expires_at", expires_at},
                {"tries_left", tries_left}, {"partners", partners}};
    }
    static std::optional<CodeRecord> Parse(std::string_view key, std::string_view value) {
        if (key.size() != kAddressKeyLength + kIdLength)
            return std::nullopt;
        try {
            const auto j = nlohmann::json::parse(value);
            return CodeRecord{j.at("email").get<std::string>(),
                              std::string(key.substr(kAddressKeyLength)),
                              j.at("wrap_id").get<std::string>(),
                              j.at("expires_at").get<std::int64_t>(),
                              j.at("tries_left").get<std::uint32_t>(),
                              j.at("partners").get<std::vector<std::string>>()};
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;
        }
    }
};

/// The key an activation code wraps its bundle under.
crypto::SymmetricKey CodeKey(std::string_view normalised_code, std::string_view email,
                             std::string_view code_id) {
    static constexpr std::string_view kLabel = "sealpost/v1/activation-code";
    std::string message(kLabel);
    message.push_back('\0');
    message += crypto::NormaliseAddress(email);
    message.push_back('\0');
    message += code_id;
    crypto::SymmetricKey key;
    sodium::Blake2b(key.Span(), Bytes(normalised_code), Bytes(message));
    return key;
}

crypto::WrapContext CodeContext(const std::string& email, const std::string& code_id) {
    return {crypto::purpose::kQuickActivationCode, {email, code_id}};
}

/// Bundle: per key, u8 partner length | partner | key id (26) | SK (32).
struct BundleEntry {
    std::string partner;
    std::string key_id;
    crypto::SymmetricKey key;
};

std::vector<std::uint8_t> EncodeBundle(const std::vector<BundleEntry>& entries) {
    std::vector<std::uint8_t> out;
    for (const auto& e : entries) {
        out.push_back(static_cast<std::uint8_t>(e.partner.size()));
        out.insert(out.end(), e.partner.begin(), e.partner.end());
        out.insert(out.end(), e.key_id.begin(), e.key_id.end());
        out.insert(out.end(), e.key.data(), e.key.data() + e.key.size());
    }
    return out;
}

std::vector<BundleEntry> DecodeBundle(std::span<const std::uint8_t> data) {
    std::vector<BundleEntry> out;
    std::size_t at = 0;
    while (at < data.size()) {
        const std::size_t n = data[at++];
        if (at + n + kIdLength + crypto::kSymmetricKeySize > data.size())
            return {};
        BundleEntry e;
        e.partner.assign(reinterpret_cast<const char*>(data.data() + at), n);
        at += n;
        e.key_id.assign(reinterpret_cast<const char*>(data.data() + at), kIdLength);
        at += kIdLength;
        e.key = crypto::SymmetricKey(
            std::span<const std::uint8_t, crypto::kSymmetricKeySize>(data.data() + at,
                                                                     crypto::kSymmetricKeySize));
        at += crypto::kSymmetricKeySize;
        out.push_back(std::move(e));
    }
    return out;
}

std::string NewCodeText() {
    std::array<std::uint8_t, kCodeLength> random{};
    sodium::RandomBytes(random);
    std::string code;
    for (const auto b : random)
        code.push_back(kCodeAlphabet[b & 31]);
    sodium::Wipe(random.data(), random.size());
    return code;
}

std::string GroupCode(std::string_view code) {
    std::string out;
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (i && i % 4 == 0)
            out.push_back('-');
        out.push_back(code[i]);
    }
    return out;
}

} // namespace

std::string NormaliseActivationCode(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (c == 'O')
            c = '0';
        if (c == 'I' || c == 'L')
            c = '1';
        out.push_back(c);
    }
    return out;
}

// --- reads --------------------------------------------------------------------------

std::vector<QuickConnection> QuickKeys::OfBrowser(std::string_view handle) const {
    if (handle.size() != kHandleLength)
        return {};
    auto txn = lmdb::Txn::BeginRead(env_);
    return Holdings(txn, handle);
}

std::vector<QuickConnection> QuickKeys::All(std::string_view email) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    auto all = Holdings(txn, {});
    if (email.empty())
        return all;
    const std::string wanted = crypto::NormaliseAddress(email);
    std::erase_if(all, [&](const QuickConnection& c) {
        return c.email != wanted && c.partner != wanted;
    });
    return all;
}

bool QuickKeys::Connected(std::string_view handle, std::string_view sender,
                          std::string_view recipient) const {
    if (handle.size() != kHandleLength)
        return false;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto mine = Holdings(txn, std::string(handle) + AddressKey(sender) + AddressKey(recipient));
    const auto pairs = lmdb::Dbi::Open(txn, kPairs);
    lmdb::Cursor cursor(txn, pairs);
    for (const auto& c : mine)
        if (cursor.SeekPrefix(AddressKey(recipient) + AddressKey(sender) + c.key_id))
            return true;
    return false;
}

bool QuickKeys::Held(std::string_view email, std::string_view partner,
                     std::string_view key_id) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kPairs));
    return cursor.SeekPrefix(AddressKey(email) + AddressKey(partner) + std::string(key_id))
        .has_value();
}

std::optional<crypto::SymmetricKey> QuickKeys::Open(const QuickBrowser& browser,
                                                    std::string_view email,
                                                    std::string_view partner,
                                                    std::string_view key_id) const {
    if (browser.handle.size() != kHandleLength || !IsValidId(key_id))
        return std::nullopt;
    std::string wrap_id;
    {
        auto txn = lmdb::Txn::BeginRead(env_);
        const auto value = lmdb::Dbi::Open(txn, kKeys).Get(
            txn, HoldingKey(browser.handle, email, partner, key_id));
        if (!value)
            return std::nullopt;
        const auto c = ParseHolding(HoldingKey(browser.handle, email, partner, key_id), *value);
        if (!c)
            return std::nullopt;
        wrap_id = c->wrap_id;
    }
    const auto wrap = wraps_.Get(wrap_id, WrapKind::shared);
    if (!wrap)
        return std::nullopt;
    const SharedContext context(email, partner, key_id);
    const auto secret = crypto::KeyWrap::Unwrap(crypto::PersonalKey(browser.client_key, email),
                                                context.Get(), *wrap);
    if (!secret || secret->size() != crypto::kSymmetricKeySize)
        return std::nullopt;
    return crypto::SymmetricKey(std::span<const std::uint8_t, crypto::kSymmetricKeySize>(
        secret->data(), crypto::kSymmetricKeySize));
}

// --- writes -------------------------------------------------------------------------

SendingKey QuickKeys::KeyForSending(const QuickBrowser& browser, std::string_view sender,
                                    std::string_view recipient, std::int64_t now) {
    std::vector<QuickConnection> mine;
    std::set<std::string> connected;
    {
        auto txn = lmdb::Txn::BeginRead(env_);
        mine = Holdings(txn, browser.handle + AddressKey(sender) + AddressKey(recipient));
        lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kPairs));
        for (const auto& c : mine)
            if (cursor.SeekPrefix(AddressKey(recipient) + AddressKey(sender) + c.key_id))
                connected.insert(c.key_id);
    }
    // Newest first: the one the recipient holds, else the newest that opens.
    std::sort(mine.begin(), mine.end(),
              [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    for (const bool want_connected : {true, false})
        for (const auto& c : mine) {
            if (want_connected && !connected.count(c.key_id))
                continue;
            if (auto key = Open(browser, sender, recipient, c.key_id))
                return {c.key_id, std::move(*key), connected.count(c.key_id) > 0};
        }
    SendingKey fresh{NewId(), crypto::SymmetricKey::Random(), false};
    Hold(browser, sender, recipient, fresh.key_id, fresh.key, now);
    // Sending to oneself: the browser that holds it is the recipient's too.
    fresh.connected = crypto::NormaliseAddress(sender) == crypto::NormaliseAddress(recipient);
    return fresh;
}

bool QuickKeys::Hold(const QuickBrowser& browser, std::string_view email, std::string_view partner,
                     std::string_view key_id, const crypto::SymmetricKey& key, std::int64_t now) {
    if (browser.handle.size() != kHandleLength || !IsValidId(key_id))
        throw std::invalid_argument("invalid QUICK holding");
    const std::string wrap_id = NewId();
    const SharedContext context(email, partner, key_id);
    // The wrap first: a record without its wrap opens nothing.
    wraps_.Put(wrap_id, WrapKind::shared,
               crypto::KeyWrap::Wrap(crypto::PersonalKey(browser.client_key, email), context.Get(),
                                     key.Span()));
    const std::string holding_key = HoldingKey(browser.handle, email, partner, key_id);
    std::optional<std::string> replaced;
    std::int64_t created_at = now;
    {
        auto txn = lmdb::Txn::BeginWrite(env_);
        const auto keys = lmdb::Dbi::Open(txn, kKeys);
        if (const auto old = keys.Get(txn, holding_key))
            if (const auto c = ParseHolding(holding_key, *old)) {
                replaced = c->wrap_id;
                created_at = c->created_at;
            }
        const nlohmann::json record = {{"email", crypto::NormaliseAddress(email)},
                                       {"partner", crypto::NormaliseAddress(partner)},
                                       {"wrap_id", wrap_id},
                                       {"created_at", created_at}};
        keys.Put(txn, holding_key, record.dump());
        lmdb::Dbi::Open(txn, kPairs).Put(txn, PairKey(email, partner, key_id, browser.handle), "");
        txn.Commit();
    }
    if (replaced && IsValidId(*replaced))
        wraps_.Destroy(*replaced, WrapKind::shared);
    return !replaced.has_value();
}

std::size_t QuickKeys::Forget(std::string_view handle, std::string_view email,
                              std::string_view partner) {
    if (handle.size() != kHandleLength)
        return 0;
    std::string prefix = std::string(handle) + AddressKey(email);
    if (!partner.empty())
        prefix += AddressKey(partner);
    std::vector<QuickConnection> doomed;
    {
        auto txn = lmdb::Txn::BeginWrite(env_);
        doomed = Holdings(txn, prefix);
        for (const auto& c : doomed)
            DeleteHolding(txn, c);
        txn.Commit();
    }
    for (const auto& c : doomed)
        if (IsValidId(c.wrap_id))
            wraps_.Destroy(c.wrap_id, WrapKind::shared);
    return doomed.size();
}

std::size_t QuickKeys::DeletePair(std::string_view a, std::string_view b) {
    const std::string na = crypto::NormaliseAddress(a), nb = crypto::NormaliseAddress(b);
    std::vector<QuickConnection> doomed;
    std::vector<std::string> doomed_codes;
    {
        auto txn = lmdb::Txn::BeginWrite(env_);
        for (auto& c : Holdings(txn, {}))
            if ((c.email == na && c.partner == nb) || (c.email == nb && c.partner == na))
                doomed.push_back(std::move(c));
        for (const auto& c : doomed)
            DeleteHolding(txn, c);
        {
            lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kCodes));
            for (const auto& address : {na, nb})
                for (auto e = cursor.SeekPrefix(AddressKey(address)); e;
                     e = cursor.NextWithPrefix(AddressKey(address))) {
                    if (const auto r = CodeRecord::Parse(e->key, e->value))
                        doomed_codes.push_back(r->wrap_id);
                    cursor.DelCurrent();
                }
        }
        txn.Commit();
    }
    for (const auto& c : doomed)
        if (IsValidId(c.wrap_id))
            wraps_.Destroy(c.wrap_id, WrapKind::shared);
    for (const auto& id : doomed_codes)
        if (IsValidId(id))
            wraps_.Destroy(id, WrapKind::code);
    return doomed.size();
}

std::size_t QuickKeys::Rewrap(const QuickBrowser& from, const QuickBrowser& to, std::int64_t now) {
    std::size_t moved = 0;
    std::set<std::string> emails;
    for (const auto& c : OfBrowser(from.handle)) {
        emails.insert(c.email);
        if (const auto key = Open(from, c.email, c.partner, c.key_id))
            moved += Hold(to, c.email, c.partner, c.key_id, *key, now) ? 1 : 0;
    }
    for (const auto& email : emails)
        Forget(from.handle, email);
    return moved;
}

// --- activation codes ---------------------------------------------------------------

std::optional<QuickKeys::NewCode> QuickKeys::CreateCode(const QuickBrowser& browser,
                                                        std::string_view email, std::int64_t now) {
    const std::string normalised = crypto::NormaliseAddress(email);
    std::vector<BundleEntry> entries;
    std::set<std::string> partners;
    for (const auto& c : OfBrowser(browser.handle)) {
        if (c.email != normalised)
            continue;
        if (auto key = Open(browser, c.email, c.partner, c.key_id)) {
            partners.insert(c.partner);
            entries.push_back({c.partner, c.key_id, std::move(*key)});
        }
    }
    if (entries.empty())
        return std::nullopt;
    const std::string code = NewCodeText();
    CodeRecord record{normalised, NewId(), NewId(), now + kCodeSeconds, kCodeTries,
                      {partners.begin(), partners.end()}};
    auto bundle = EncodeBundle(entries);
    const auto wrap = crypto::KeyWrap::Wrap(CodeKey(code, normalised, record.code_id),
                                            CodeContext(record.email, record.code_id), bundle);
    sodium::Wipe(bundle.data(), bundle.size());
    wraps_.Put(record.wrap_id, WrapKind::code, wrap);
    {
        auto txn = lmdb::Txn::BeginWrite(env_);
        lmdb::Dbi::Open(txn, kCodes).Put(txn, AddressKey(normalised) + record.code_id,
                                         record.ToJson().dump());
        txn.Commit();
    }
    return NewCode{GroupCode(code), record.expires_at, entries.size()};
}

QuickKeys::Redemption QuickKeys::RedeemCode(const QuickBrowser& browser, std::string_view email,
                                            std::string_view typed, std::int64_t now) {
    const std::string normalised = crypto::NormaliseAddress(email);
    const std::string code = NormaliseActivationCode(typed);
    Redemption out;
    std::vector<std::string> destroy;
    std::optional<std::vector<BundleEntry>> opened;
    {
        // One write transaction: parallel entries are counted one after another.
        auto txn = lmdb::Txn::BeginWrite(env_);
        const auto codes = lmdb::Dbi::Open(txn, kCodes);
        std::vector<CodeRecord> pending;
        {
            lmdb::Cursor cursor(txn, codes);
            cursor.ForEachPrefix(AddressKey(normalised), [&](const auto& e) {
                if (auto r = CodeRecord::Parse(e.key, e.value))
                    pending.push_back(std::move(*r));
            });
        }
        bool any_live = false;
        for (const auto& r : pending) {
            if (r.expires_at <= now || r.tries_left == 0)
                continue;
            any_live = true;
            if (code.size() != kCodeLength)
                continue;
            const auto wrap = wraps_.Get(r.wrap_id, WrapKind::code);
            if (!wrap)
                continue;
            auto bundle = crypto::KeyWrap::Unwrap(CodeKey(code, normalised, r.code_id),
                                                  CodeContext(normalised, r.code_id), *wrap);
            if (!bundle)
                continue;
            opened = DecodeBundle(std::span<const std::uint8_t>(bundle->data(), bundle->size()));
            codes.Del(txn, AddressKey(normalised) + r.code_id);
            destroy.push_back(r.wrap_id);
            break;
        }
        if (!opened) {
            out.result = any_live ? Redeemed::wrong : Redeemed::expired;
            if (pending.empty())
                out.result = Redeemed::none;
            for (auto& r : pending) {
                const std::string key = AddressKey(normalised) + r.code_id;
                if (r.expires_at <= now || r.tries_left <= 1) {
                    codes.Del(txn, key);
                    destroy.push_back(r.wrap_id);
                    continue;
                }
                r.tries_left -= 1;
                out.attempts_left = std::max(out.attempts_left, r.tries_left);
                codes.Put(txn, key, r.ToJson().dump());
            }
        }
        txn.Commit();
    }
    for (const auto& id : destroy)
        if (IsValidId(id))
            wraps_.Destroy(id, WrapKind::code);
    if (!opened)
        return out;
    out.result = Redeemed::restored;
    std::set<std::string> partners;
    for (const auto& e : *opened) {
        if (!IsValidId(e.key_id))
            continue;
        Hold(browser, normalised, e.partner, e.key_id, e.key, now);
        ++out.restored;
        partners.insert(e.partner);
    }
    out.partners.assign(partners.begin(), partners.end());
    return out;
}

std::size_t QuickKeys::PruneCodes(std::int64_t now) {
    std::vector<std::string> doomed;
    {
        auto txn = lmdb::Txn::BeginWrite(env_);
        {
            lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kCodes));
            for (auto e = cursor.First(); e; e = cursor.Next()) {
                const auto r = CodeRecord::Parse(e->key, e->value);
                if (r && r->expires_at > now && r->tries_left > 0)
                    continue;
                if (r)
                    doomed.push_back(r->wrap_id);
                cursor.DelCurrent();
            }
        }
        txn.Commit();
    }
    for (const auto& id : doomed)
        if (IsValidId(id))
            wraps_.Destroy(id, WrapKind::code);
    return doomed.size();
}

void QuickKeys::DestroyOrphanWraps() {
    std::set<std::string> known;
    {
        auto txn = lmdb::Txn::BeginRead(env_);
        for (const auto& c : Holdings(txn, {}))
            known.insert(c.wrap_id);
        lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kCodes));
        for (auto e = cursor.First(); e; e = cursor.Next())
            if (const auto r = CodeRecord::Parse(e->key, e->value))
                known.insert(r->wrap_id);
    }
    for (const auto& [id, kind] : wraps_.List())
        if ((kind == WrapKind::shared || kind == WrapKind::code) && !known.count(id))
            wraps_.Destroy(id, kind);
}

} // namespace sealpost::store
