#include "audit/AuditStore.hxx"

#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"
#include "util/Text.hxx"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <stdexcept>

namespace sealpost::audit {

namespace {

constexpr const char* kByTransfer = "by_transfer";
constexpr const char* kByEmail = "by_email";
constexpr const char* kByEvent = "by_event";
/// Longest indexed value; LMDB keys are at most 511 bytes.
constexpr std::size_t kMaxIndexedSize = 256;

lmdb::EnvOptions StoreOptions() {
    lmdb::EnvOptions options;
    // Address space only; the file grows with the log. Growing the map needs every
    // transaction of the process closed, which a server answering audit queries
    // cannot arrange, so the map is generous from the start (~10 million events).
    options.map_size = std::size_t{16} << 30;
    options.max_dbs = 8;
    return options;
}

lmdb::Migration CreateDatabases() {
    return [](lmdb::Txn& txn) {
        for (const char* name : {kEventsDatabase, kChainDatabase, kByTransfer, kByEmail, kByEvent})
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    };
}

/// The key prefix of one value in a secondary index.
std::string IndexPrefix(std::string_view value) {
    std::string prefix(value.substr(0, std::min(value.size(), kMaxIndexedSize)));
    prefix.push_back('\0');
    return prefix;
}

std::optional<AuditHead> ParseHead(std::string_view text) {
    try {
        const auto value = nlohmann::json::parse(text);
        AuditHead head;
        head.seq = value.at("seq").get<std::uint64_t>();
        head.hash = value.at("hash").get<std::string>();
        head.time = value.at("time").get<std::int64_t>();
        return head;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

/// A {seq, hash, time} entry of the chain database (head or anchor).
std::optional<AuditHead> ReadChainEntry(lmdb::Txn& txn, const char* key) {
    const auto text = lmdb::Dbi::Open(txn, kChainDatabase).Get(txn, key);
    if (!text)
        return std::nullopt;
    auto entry = ParseHead(*text);
    if (!entry)
        throw std::runtime_error(std::string("the audit log's ") + key + " record is damaged");
    return entry;
}

void WriteChainEntry(lmdb::Txn& txn, const char* key, const AuditHead& entry) {
    const nlohmann::json value{{"seq", entry.seq}, {"hash", entry.hash}, {"time", entry.time}};
    lmdb::Dbi::Open(txn, kChainDatabase).Put(txn, key, value.dump());
}

AuditHead ReadHead(lmdb::Txn& txn) {
    return ReadChainEntry(txn, kHeadKey).value_or(AuditHead{});
}

/// Where the stored chain starts: after the anchor, or at the genesis.
AuditHead ChainStart(lmdb::Txn& txn) {
    return ReadChainEntry(txn, kAnchorKey).value_or(AuditHead{});
}

std::optional<AuditRecord> ParseStored(std::string_view text) {
    try {
        return FromJson(nlohmann::json::parse(text));
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

bool Matches(const AuditRecord& record, const AuditQuery& query) {
    const AuditEvent& e = record.event;
    if (!query.transfer_id.empty() && e.transfer_id != query.transfer_id)
        return false;
    if (!query.email.empty() && LowerAscii(e.email) != LowerAscii(query.email))
        return false;
    if (!query.event.empty() && e.event != query.event)
        return false;
    if (query.until && record.time > *query.until)
        return false;
    return true;
}

/// Reverse iteration over the keys of `dbi` that start with `prefix` and sort before
/// prefix + be64(before): visit(key) returns false to stop.
template <typename F>
void ReverseScan(lmdb::Txn& txn, const lmdb::Dbi& dbi, std::string_view prefix,
                 std::uint64_t before, F&& visit) {
    lmdb::Cursor cursor(txn, dbi);
    const std::string bound = std::string(prefix) + lmdb::EncodeU64(before);
    auto entry = cursor.Seek(bound) ? cursor.Prev() : cursor.Last();
    for (; entry && entry->key.starts_with(prefix); entry = cursor.Prev())
        if (!visit(entry->key))
            return;
}

} // namespace

AuditStore::AuditStore(const std::filesystem::path& dir)
    : env_([&] {
          std::filesystem::create_directories(dir);
          std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                       std::filesystem::perm_options::replace);
          const std::array<lmdb::Migration, 1> migrations{CreateDatabases()};
          return lmdb::OpenIndex(dir, kSchemaVersion, migrations, StoreOptions());
      }()) {}

std::vector<AuditRecord> AuditStore::Append(std::span<const TimedEvent> events) {
    for (const TimedEvent& timed : events)
        CheckAuditEvent(timed.event);
    std::vector<AuditRecord> records;
    records.reserve(events.size());

    auto txn = lmdb::Txn::BeginWrite(env_);
    const auto events_db = lmdb::Dbi::Open(txn, kEventsDatabase);
    const auto by_transfer = lmdb::Dbi::Open(txn, kByTransfer);
    const auto by_email = lmdb::Dbi::Open(txn, kByEmail);
    const auto by_event = lmdb::Dbi::Open(txn, kByEvent);
    AuditHead head = ReadHead(txn);
    for (const TimedEvent& timed : events) {
        AuditRecord record;
        record.seq = head.seq + 1;
        record.time = std::max(timed.time, head.time);
        record.event = SanitizeAuditEvent(timed.event);
        record.prev_hash = head.hash;
        record.hash = ComputeHash(record);
        const std::string key = lmdb::EncodeU64(record.seq);
        if (!events_db.Put(txn, key, CanonicalText(record), lmdb::kPutNoOverwrite))
            throw std::runtime_error("the audit log's head record is behind its events");
        if (!record.event.transfer_id.empty())
            by_transfer.Put(txn, IndexPrefix(record.event.transfer_id) + key, {});
        if (!record.event.email.empty())
            by_email.Put(txn, IndexPrefix(LowerAscii(record.event.email)) + key, {});
        by_event.Put(txn, IndexPrefix(record.event.event) + key, {});
        head = {record.seq, record.hash, record.time};
        records.push_back(std::move(record));
    }
    if (!records.empty())
        WriteChainEntry(txn, kHeadKey, head);
    txn.Commit();
    return records;
}

AuditPage AuditStore::Query(const AuditQuery& query) {
    AuditPage page;
    const std::size_t limit =
        query.limit == 0 ? std::numeric_limits<std::size_t>::max() : query.limit;
    ForEach(query, [&](const AuditRecord& record) {
        if (page.events.size() == limit) {
            page.next_cursor = page.events.back().seq;
            return false;
        }
        page.events.push_back(record);
        return true;
    });
    return page;
}

void AuditStore::ForEach(const AuditQuery& query,
                         const std::function<bool(const AuditRecord&)>& visit) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto events_db = lmdb::Dbi::Open(txn, kEventsDatabase);
    const std::uint64_t before = query.before.value_or(std::numeric_limits<std::uint64_t>::max());

    // Visits one stored record; false ends the scan. Times never decrease along the
    // chain, so the first record older than `since` ends it as well.
    const auto visit_seq = [&](std::uint64_t seq, std::optional<std::string_view> text) {
        if (!text)
            text = events_db.Get(txn, lmdb::EncodeU64(seq));
        if (!text)
            return true;
        const auto record = ParseStored(*text);
        if (!record)
            throw std::runtime_error("audit record " + std::to_string(seq) + " is unreadable");
        if (query.since && record->time < *query.since)
            return false;
        return !Matches(*record, query) || visit(*record);
    };

    // The most selective index that applies; a full scan otherwise.
    std::optional<std::pair<const char*, std::string>> index;
    if (!query.transfer_id.empty())
        index.emplace(kByTransfer, IndexPrefix(query.transfer_id));
    else if (!query.email.empty())
        index.emplace(kByEmail, IndexPrefix(LowerAscii(query.email)));
    else if (!query.event.empty())
        index.emplace(kByEvent, IndexPrefix(query.event));

    if (index) {
        const auto dbi = lmdb::Dbi::Open(txn, index->first);
        const std::string& prefix = index->second;
        ReverseScan(txn, dbi, prefix, before, [&](std::string_view key) {
            const auto seq = lmdb::DecodeU64(key.substr(prefix.size()));
            return !seq || visit_seq(*seq, std::nullopt);
        });
        return;
    }
    lmdb::Cursor cursor(txn, events_db);
    auto entry = cursor.Seek(lmdb::EncodeU64(before)) ? cursor.Prev() : cursor.Last();
    for (; entry; entry = cursor.Prev()) {
        const auto seq = lmdb::DecodeU64(entry->key);
        if (seq && !visit_seq(*seq, entry->value))
            return;
    }
}

AuditVerifyResult AuditStore::Verify() {
    AuditVerifyResult result;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto events_db = lmdb::Dbi::Open(txn, kEventsDatabase);
    const AuditHead start = ChainStart(txn);
    std::uint64_t expected = start.seq + 1;
    std::string prev = start.hash;
    result.first_seq = expected;
    result.head = prev;
    const auto fail = [&](std::uint64_t seq, std::string problem) {
        if (result.ok) {
            result.ok = false;
            result.first_bad_seq = seq;
            result.problem = std::move(problem);
        }
    };

    lmdb::Cursor cursor(txn, events_db);
    for (auto entry = cursor.First(); entry; entry = cursor.Next()) {
        ++result.events;
        if (!result.ok)
            continue;
        const auto key_seq = lmdb::DecodeU64(entry->key);
        if (!key_seq) {
            fail(expected, "a record has a malformed key");
            continue;
        }
        if (*key_seq <= start.seq) {
            fail(*key_seq, "a record the pruning anchor says was removed remains");
            continue;
        }
        if (*key_seq != expected) {
            fail(expected, *key_seq > expected ? "a record is missing" : "records out of order");
            continue;
        }
        const auto record = ParseStored(entry->value);
        if (!record) {
            fail(expected, "a record is unreadable");
            continue;
        }
        if (record->seq != expected) {
            fail(expected, "a record carries the wrong sequence number");
            continue;
        }
        if (record->prev_hash != prev) {
            fail(expected, "a record does not follow the one before it");
            continue;
        }
        if (ComputeHash(*record) != record->hash || CanonicalText(*record) != entry->value) {
            fail(expected, "a record was altered");
            continue;
        }
        prev = record->hash;
        result.head = prev;
        ++expected;
    }

    if (result.ok) {
        const std::uint64_t last = expected - 1;
        const AuditHead head = ReadHead(txn);
        if (head.seq > last)
            fail(last + 1, "records are missing at the end of the log");
        else if (head.seq < last)
            fail(head.seq + 1, "records were added behind the head record");
        else if (head.hash != prev)
            fail(last == 0 ? 1 : last, "the head record does not match the newest record");
    }
    return result;
}

AuditHead AuditStore::Head() {
    auto txn = lmdb::Txn::BeginRead(env_);
    return ReadHead(txn);
}

std::optional<AuditHead> AuditStore::Anchor() {
    auto txn = lmdb::Txn::BeginRead(env_);
    return ReadChainEntry(txn, kAnchorKey);
}

AuditPruneResult AuditStore::Prune(const AuditRetention& retention) {
    AuditPruneResult result;
    auto txn = lmdb::Txn::BeginWrite(env_);
    const auto events_db = lmdb::Dbi::Open(txn, kEventsDatabase);
    const auto by_transfer = lmdb::Dbi::Open(txn, kByTransfer);
    const auto by_email = lmdb::Dbi::Open(txn, kByEmail);
    const auto by_event = lmdb::Dbi::Open(txn, kByEvent);
    result.anchor = ReadChainEntry(txn, kAnchorKey);
    AuditHead last = result.anchor.value_or(AuditHead{});

    // Whether a transfer's whole trail is due; asked once per transfer per call.
    std::map<std::string, bool, std::less<>> transfer_due;
    const auto trail_due = [&](const std::string& transfer_id) {
        if (const auto it = transfer_due.find(transfer_id); it != transfer_due.end())
            return it->second;
        bool due = !retention.transfer_exists || !retention.transfer_exists(transfer_id);
        if (due) {
            const std::string prefix = IndexPrefix(transfer_id);
            ReverseScan(txn, by_transfer, prefix, std::numeric_limits<std::uint64_t>::max(),
                        [&](std::string_view key) {
                            const auto seq = lmdb::DecodeU64(key.substr(prefix.size()));
                            const auto text =
                                seq ? events_db.Get(txn, lmdb::EncodeU64(*seq)) : std::nullopt;
                            const auto newest = text ? ParseStored(*text) : std::nullopt;
                            due = newest && newest->time < retention.cutoff;
                            return false;
                        });
        }
        transfer_due.emplace(transfer_id, due);
        return due;
    };

    // The due records, oldest first, up to the first one that must stay. A record that
    // does not continue the chain is never removed: pruning must not hide tampering.
    std::vector<AuditRecord> due;
    {
        lmdb::Cursor cursor(txn, events_db);
        for (auto entry = cursor.First(); entry && due.size() < retention.max_records;
             entry = cursor.Next()) {
            const auto record = ParseStored(entry->value);
            if (!record || record->seq != last.seq + 1 || record->prev_hash != last.hash ||
                lmdb::DecodeU64(entry->key) != record->seq ||
                ComputeHash(*record) != record->hash || CanonicalText(*record) != entry->value)
                break;
            if (record->time >= retention.cutoff)
                break;
            if (!record->event.transfer_id.empty() && !trail_due(record->event.transfer_id))
                break;
            last = {record->seq, record->hash, record->time};
            due.push_back(std::move(*record));
        }
    } // a write transaction's cursors must be closed before it commits

    for (const AuditRecord& record : due) {
        const std::string key = lmdb::EncodeU64(record.seq);
        events_db.Del(txn, key);
        if (!record.event.transfer_id.empty())
            by_transfer.Del(txn, IndexPrefix(record.event.transfer_id) + key);
        if (!record.event.email.empty())
            by_email.Del(txn, IndexPrefix(LowerAscii(record.event.email)) + key);
        by_event.Del(txn, IndexPrefix(record.event.event) + key);
    }
    if (!due.empty()) {
        WriteChainEntry(txn, kAnchorKey, last);
        result.anchor = last;
    }
    result.pruned = due.size();
    txn.Commit();
    return result;
}

} // namespace sealpost::audit
