// The audit log's storage: an append-only, hash-chained LMDB environment of its own
// (data_dir/audit/, schema version kept by lmdb::OpenIndex). Databases:
//   events       be64(seq) → canonical record text with its hash (AuditRecord.hxx)
//   chain        "head" → {"seq","hash","time"} of the newest record
//   by_transfer  transfer_id '\0' be64(seq) → ""   (secondary indexes for queries;
//   by_email     lower-case email '\0' be64(seq) → "" values longer than 256 bytes are
//   by_event     event '\0' be64(seq) → ""          cut in the key, never in the record)
// Records get consecutive sequence numbers from 1 and non-decreasing times (a clock
// that steps back repeats the last time). The head record is written in the same
// transaction as the events, so Verify() also notices events cut from the end.
//
// Retention: nothing is pruned yet; every record is kept (audit.retention_days is
// the minimum). A future pruning pass will store an anchor {seq, hash} of the last
// pruned record so that the remaining chain still verifies.
//
// Blocking: every method waits on the disk. Call it from the libuv threadpool (the
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

    /// The environment, for tests that tamper with it.
    lmdb::Env& env() noexcept { return env_; }

private:
    lmdb::Env env_;
};

/// Database and key names, for tests and tools that read the environment directly.
inline constexpr const char* kEventsDatabase = "events";
inline constexpr const char* kChainDatabase = "chain";
inline constexpr const char* kHeadKey = "head";

} // namespace sealpost::audit
