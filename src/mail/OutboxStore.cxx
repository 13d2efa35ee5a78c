#include "mail/OutboxStore.hxx"
#include "lib/sodium/XChaCha20Poly1305.hxx"

#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/sodium/Random.hxx"
#include "util/Hex.hxx"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <stdexcept>

namespace sealpost {

namespace {

constexpr const char* kMessages = "messages";
constexpr const char* kBodies = "bodies";
constexpr const char* kDue = "due";
constexpr const char* kSent = "sent";
constexpr const char* kSentByTime = "sent_by_time";

lmdb::EnvOptions StoreOptions() {
    lmdb::EnvOptions options;
    // Address space only: the file grows with the queue. A full map would
    // need a resize with no transaction live, which the sender cannot
    // arrange, so the map is generous from the start.
    options.map_size = std::size_t{4} << 30;
    options.max_dbs = 8;
    return options;
}

lmdb::Migration CreateDatabases() {
    return [](lmdb::Txn& txn) {
        for (const char* name : {kMessages, kBodies, kDue})
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    };
}

/// Version 2: the ids of messages that left the outbox.
lmdb::Migration CreateSentDatabases() {
    return [](lmdb::Txn& txn) {
        for (const char* name : {kSent, kSentByTime})
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    };
}

std::int64_t NowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void RememberSent(lmdb::Txn& txn, std::string_view id) {
    const std::string time = lmdb::EncodeU64(static_cast<std::uint64_t>(std::max<std::int64_t>(NowMs(), 0)));
    lmdb::Dbi::Open(txn, kSent).Put(txn, id, time);
    lmdb::Dbi::Open(txn, kSentByTime).Put(txn, time + std::string(id), {});
}

std::string DueKey(std::int64_t time_ms, std::string_view id) {
    return lmdb::EncodeU64(static_cast<std::uint64_t>(std::max<std::int64_t>(time_ms, 0))) +
           std::string(id);
}

std::optional<OutboxDue> ParseDueKey(std::string_view key) {
    const auto time = lmdb::DecodeU64(key.substr(0, std::min<std::size_t>(key.size(), 8)));
    if (!time || key.size() <= 8)
        return std::nullopt;
    return OutboxDue{static_cast<std::int64_t>(*time), std::string(key.substr(8))};
}

std::string Serialize(const OutboxEntry& entry) {
    return nlohmann::json{
        {"kind", entry.kind},
        {"reference", entry.reference},
        {"sender", entry.envelope.sender},
        {"recipients", entry.envelope.recipients},
        {"attempts", entry.attempts},
        {"created_at", entry.created_at_ms},
        {"next_attempt", entry.next_attempt_ms},
        {"last_error", entry.last_error},
    }
        .dump();
}

OutboxEntry Parse(std::string_view id, std::string_view text) {
    try {
        const nlohmann::json record = nlohmann::json::parse(text);
        OutboxEntry entry;
        entry.id = std::string(id);
        entry.kind = record.at("kind").get<std::string>();
        entry.reference = record.at("reference").get<std::string>();
        entry.envelope.sender = record.at("sender").get<std::string>();
        entry.envelope.recipients = record.at("recipients").get<std::vector<std::string>>();
        entry.attempts = record.at("attempts").get<unsigned>();
        entry.created_at_ms = record.at("created_at").get<std::int64_t>();
        entry.next_attempt_ms = record.at("next_attempt").get<std::int64_t>();
        entry.last_error = record.at("last_error").get<std::string>();
        return entry;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("damaged outbox record: ") + e.what());
    }
}

template <typename F> void Write(lmdb::Env& env, F&& body) {
    auto txn = lmdb::Txn::BeginWrite(env);
    body(txn);
    txn.Commit();
}

std::span<const std::uint8_t> Bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string SealBody(const sodium::SecretBytes<32>* key, std::string_view id,
                     std::string_view message) {
    if (!key)
        return std::string(message);
    const auto nonce = sodium::XChaChaRandomNonce();
    std::string out(1 + nonce.size() + message.size() + sodium::kXChaChaTagSize, '\0');
    std::copy(nonce.begin(), nonce.end(), out.begin() + 1);
    sodium::XChaChaSeal(key->Span(), nonce, Bytes(id), Bytes(message),
                        {reinterpret_cast<std::uint8_t*>(out.data()) + 1 + nonce.size(),
                         message.size() + sodium::kXChaChaTagSize});
    return out;
}

/// A sealed body starts with 0x00, which no rendered message does.
std::string OpenBody(const sodium::SecretBytes<32>* key, std::string_view id,
                     std::string_view stored) {
    if (stored.empty() || stored.front() != '\0')
        return std::string(stored);
    constexpr std::size_t kHead = 1 + sodium::kXChaChaNonceSize;
    if (!key || stored.size() < kHead + sodium::kXChaChaTagSize)
        throw std::runtime_error("sealed outbox message cannot be opened");
    sodium::XChaChaNonce nonce{};
    std::copy(stored.begin() + 1, stored.begin() + kHead, nonce.begin());
    std::string message(stored.size() - kHead - sodium::kXChaChaTagSize, '\0');
    if (!sodium::XChaChaOpen(key->Span(), nonce, Bytes(id), Bytes(stored.substr(kHead)),
                             {reinterpret_cast<std::uint8_t*>(message.data()), message.size()}))
        throw std::runtime_error("sealed outbox message does not authenticate");
    return message;
}

} // namespace

OutboxStore::OutboxStore(const std::filesystem::path& dir, BodyKey body_key)
    : body_key_(std::move(body_key)), env_([&] {
          std::filesystem::create_directories(dir);
          std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                       std::filesystem::perm_options::replace);
          const std::array<lmdb::Migration, 2> migrations{CreateDatabases(),
                                                          CreateSentDatabases()};
          return lmdb::OpenIndex(dir, kSchemaVersion, migrations, StoreOptions());
      }()) {}

std::string OutboxStore::NewId() {
    std::array<std::uint8_t, 16> random;
    sodium::RandomBytes(random);
    return HexEncode(random);
}

bool OutboxStore::Add(const OutboxEntry& entry, std::string_view message) {
    bool added = false;
    Write(env_, [&](lmdb::Txn& txn) {
        if (lmdb::Dbi::Open(txn, kSent).Get(txn, entry.id))
            return;
        if (!lmdb::Dbi::Open(txn, kMessages)
                 .Put(txn, entry.id, Serialize(entry), lmdb::kPutNoOverwrite))
            return;
        lmdb::Dbi::Open(txn, kBodies)
            .Put(txn, entry.id, SealBody(body_key_.get(), entry.id, message));
        lmdb::Dbi::Open(txn, kDue).Put(txn, DueKey(entry.next_attempt_ms, entry.id), {});
        added = true;
    });
    return added;
}

std::vector<OutboxDue> OutboxStore::Due(std::int64_t time_ms, std::size_t limit) {
    std::vector<OutboxDue> due;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kDue);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e && due.size() < limit; e = cursor.Next()) {
        auto parsed = ParseDueKey(e->key);
        if (parsed && parsed->time_ms > time_ms)
            break;
        // A malformed key is returned with time 0 so that the sender
        // discards it instead of stumbling over it forever.
        due.push_back(parsed ? std::move(*parsed) : OutboxDue{0, std::string(e->key)});
    }
    return due;
}

std::optional<std::int64_t> OutboxStore::NextDue() {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kDue);
    lmdb::Cursor cursor(txn, dbi);
    const auto first = cursor.First();
    if (!first)
        return std::nullopt;
    const auto parsed = ParseDueKey(first->key);
    return parsed ? parsed->time_ms : 0;
}

std::optional<OutboxStore::Loaded> OutboxStore::Load(std::string_view id) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto record = lmdb::Dbi::Open(txn, kMessages).Get(txn, id);
    const auto body = lmdb::Dbi::Open(txn, kBodies).Get(txn, id);
    if (!record && !body)
        return std::nullopt;
    if (!record || !body)
        throw std::runtime_error("damaged outbox record: half a message");
    return Loaded{Parse(id, *record), OpenBody(body_key_.get(), id, *body)};
}

void OutboxStore::Reschedule(const OutboxEntry& entry, std::int64_t previous_next_attempt_ms) {
    Write(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kMessages).Put(txn, entry.id, Serialize(entry));
        const auto due = lmdb::Dbi::Open(txn, kDue);
        due.Del(txn, DueKey(previous_next_attempt_ms, entry.id));
        due.Put(txn, DueKey(entry.next_attempt_ms, entry.id), {});
    });
}

void OutboxStore::Remove(std::string_view id, std::int64_t next_attempt_ms) {
    Write(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kMessages).Del(txn, id);
        lmdb::Dbi::Open(txn, kBodies).Del(txn, id);
        lmdb::Dbi::Open(txn, kDue).Del(txn, DueKey(next_attempt_ms, id));
        RememberSent(txn, id);
    });
}

void OutboxStore::PruneSent(std::int64_t time_ms) {
    const std::string cutoff =
        lmdb::EncodeU64(static_cast<std::uint64_t>(std::max<std::int64_t>(time_ms, 0)));
    {
        // Most passes have nothing to forget: no write transaction for them.
        auto txn = lmdb::Txn::BeginRead(env_);
        const auto by_time = lmdb::Dbi::Open(txn, kSentByTime);
        lmdb::Cursor cursor(txn, by_time);
        const auto first = cursor.First();
        if (!first || first->key.substr(0, 8) >= cutoff)
            return;
    }
    Write(env_, [&](lmdb::Txn& txn) {
        const auto sent = lmdb::Dbi::Open(txn, kSent);
        const auto by_time = lmdb::Dbi::Open(txn, kSentByTime);
        lmdb::Cursor cursor(txn, by_time);
        for (auto e = cursor.First(); e && e->key.substr(0, 8) < cutoff; e = cursor.First()) {
            const std::string key(e->key);
            cursor.DelCurrent();
            if (key.size() > 8)
                sent.Del(txn, std::string_view(key).substr(8));
        }
    });
}

void OutboxStore::Discard(std::string_view id) {
    Write(env_, [&](lmdb::Txn& txn) {
        lmdb::Dbi::Open(txn, kMessages).Del(txn, id);
        lmdb::Dbi::Open(txn, kBodies).Del(txn, id);
        const auto due = lmdb::Dbi::Open(txn, kDue);
        lmdb::Cursor cursor(txn, due);
        for (auto e = cursor.First(); e; e = cursor.Next()) {
            const auto parsed = ParseDueKey(e->key);
            if (!parsed || parsed->id == id)
                cursor.DelCurrent();
        }
        RememberSent(txn, id);
    });
}

std::vector<OutboxEntry> OutboxStore::List() {
    std::vector<OutboxEntry> entries;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kMessages);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next())
        entries.push_back(Parse(e->key, e->value));
    return entries;
}

} // namespace sealpost
