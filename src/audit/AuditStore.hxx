// The audit log's storage: an append-only, hash-chained LMDB environment of its own
// (data_dir/audit/, schema version kept by lmdb::OpenIndex). Databases:
//   events       be64(seq) → canonical record text with its hash (AuditRecord.hxx)
//   chain        "head" → {"seq","hash","time"} of the newest record;
//                "anchor" → {"seq","hash","time"} of the last pruned record (if any)
//   by_transfer  transfer_id '\0' be64(seq) → ""   (secondary indexes for queries;
//   by_email     lower-case email '\0' be64(seq) → "" values longer than 256 bytes are
//   by_event     event '\0' be64(seq) → ""          cut in the key, never in the record)
// Records get consecutive sequence numbers from 1 and non-decreasing times (a clock
// that steps back repeats the last time). The head record is written in the same
// transaction as the events, so Verify() also notices events cut from the end.
//
// Retention (README: kept audit.retention_days after the transfer is gone):
// Prune() removes records from the old end of the chain only, oldest first, and stops
// at the first record that must be kept, so what remains is one unbroken chain. The
// last removed record's {seq, hash} is stored as the anchor: Verify() then expects
// the first remaining record to be anchor.seq + 1 with prev_hash = anchor.hash. The
// anchor makes pruning visible (first_seq > 1), not undoable: like any hash chain kept
// by the server itself, it proves order and completeness against edits, and an
// external copy of a head hash (export, verify output) pins the history before it.
//
// Blocking: every method waits on the disk. Call it from the threadpool (the
// AuditLog does), the command line or tests — never on the loop thread. Any thread;
// LMDB serialises writers, also across processes, so the CLI may append and verify
// while the server runs: Append() reads the head inside its write transaction.
#pragma once

#include "audit/AuditRecord.hxx"
#include "lib/lmdb/Env.hxx"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::audit {

/// An event with the time (unix seconds) it happened.
struct TimedEvent {
    AuditEvent event;
    std::int64_t time = 0;
};

/// Filters of a query; empty strings match anything. Results are newest first.
struct AuditQuery {
    std::string transfer_id;
    std::string email; ///< compared case-insensitively
    std::string event;
    std::optional<std::int64_t> since; ///< unix seconds, inclusive
    std::optional<std::int64_t> until; ///< unix seconds, inclusive
    /// At most this many records (0: no limit).
    std::size_t limit = 100;
    /// Continue a previous page: only records with seq < before.
    std::optional<std::uint64_t> before;
};

struct AuditPage {
    std::vector<AuditRecord> events;
    /// Set when more records may match: pass it as AuditQuery::before.
    std::optional<std::uint64_t> next_cursor;
};

struct AuditVerifyResult {
    bool ok = true;
    /// Records in the log.
    std::uint64_t events = 0;
    /// The oldest record kept: 1, or the anchor's seq + 1 after pruning.
    std::uint64_t first_seq = 1;
    /// Hash of the newest record that verified (kGenesisHash for an empty log).
    std::string head = std::string(kGenesisHash);
    /// The first record that is missing, altered, out of order or unreadable.
    std::optional<std::uint64_t> first_bad_seq;
    /// What is wrong, for people (no record contents).
    std::string problem;
};

struct AuditHead {
    std::uint64_t seq = 0;
    std::string hash = std::string(kGenesisHash);
    std::int64_t time = 0;
};

/// What Prune() may remove. A record is due when it is older than `cutoff` and, if it
/// names a transfer, that transfer no longer exists and the newest record naming it is
/// older than `cutoff` as well (so a transfer's trail goes as a whole, retention after
/// the transfer is gone).
struct AuditRetention {
    /// Unix seconds: records at or after it are kept.
    std::int64_t cutoff = 0;
    /// Whether the transfer still exists (in the transfer index); blocking is fine.
    std::function<bool(std::string_view transfer_id)> transfer_exists;
    /// Records removed per call at most (one write transaction).
    std::size_t max_records = 10000;
};

struct AuditPruneResult {
    std::uint64_t pruned = 0;
    /// The anchor after the call (the last record ever pruned), if any.
    std::optional<AuditHead> anchor;
};

class AuditStore {
public:
    static constexpr std::uint64_t kSchemaVersion = 1;

    /// Opens (creating it, mode 0700, if needed) the environment in dir.
    /// Throws lmdb::Error, lmdb::SchemaError or std::filesystem::filesystem_error.
    explicit AuditStore(const std::filesystem::path& dir);

    /// Appends the events in order, in one write transaction; returns the stored records.
    /// Each event must pass CheckAuditEvent() (std::invalid_argument otherwise, nothing
    /// written); strings are repaired with SanitizeAuditEvent().
    std::vector<AuditRecord> Append(std::span<const TimedEvent> events);

    /// One page of matching records, newest first.
    AuditPage Query(const AuditQuery& query);

    /// Calls visit for every matching record, newest first, ignoring query.limit;
    /// visit returns false to stop. Runs in one read snapshot.
    void ForEach(const AuditQuery& query, const std::function<bool(const AuditRecord&)>& visit);

    /// Checks the whole chain in one read snapshot.
    AuditVerifyResult Verify();

    AuditHead Head();

    /// The last pruned record's seq, hash and time; nullopt when nothing was pruned.
    std::optional<AuditHead> Anchor();

    /// Removes due records from the old end of the chain (see AuditRetention), in one
    /// write transaction, with their index entries, and moves the anchor.
    AuditPruneResult Prune(const AuditRetention& retention);

    /// The environment, for tests that tamper with it.
    lmdb::Env& env() noexcept { return env_; }

private:
    lmdb::Env env_;
};

/// Database and key names, for tests and tools that read the environment directly.
inline constexpr const char* kEventsDatabase = "events";
inline constexpr const char* kChainDatabase = "chain";
inline constexpr const char* kHeadKey = "head";
inline constexpr const char* kAnchorKey = "anchor";

} // namespace sealpost::audit
