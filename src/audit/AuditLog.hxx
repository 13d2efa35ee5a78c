// The audit log as the rest of the server uses it: Append() an event from any route
// and go on; the AuditLog numbers, chains and stores it (AuditStore.hxx) on the libuv
// threadpool. Events are written strictly in the order they were appended, several
// per write transaction (whatever arrived while the previous write ran), one write at
// a time. A failed write (disk full) keeps its events and is retried after a second.
// Stop() calls back once everything appended before it is stored; WhenStored() does
// the same for one answer that must wait for its record.
// StartRetention() prunes records whose retention has passed (AuditStore::Prune) at
// once and then every hour, also on the threadpool.
//
// Threads: the AuditLog lives on the event loop thread, which calls every method and
// receives the Stop() callback. The blocking readers (Query, Verify, ForEach, Head)
// are on store(), for the threadpool, the command line and tests.
//
// Lifetime: owned by the App. Call Stop() and let the loop run until its callback
// before destroying the AuditLog; a write already queued still finishes on the
// threadpool if it is destroyed earlier, and events not yet queued are lost (logged).
#pragma once

#include "audit/AuditRecord.hxx"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

struct uv_loop_s;

namespace sealpost::uv {
class Timer;
}

namespace sealpost::audit {

class AuditStore;
struct TimedEvent;

class AuditLog {
public:
    /// Opens (creating it if needed) the audit environment in dir, normally
    /// data_dir/audit. Blocking; call at start. Throws lmdb::Error,
    /// lmdb::SchemaError or std::filesystem::filesystem_error.
    AuditLog(uv_loop_s* loop, std::filesystem::path dir);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    /// Records the event with the current time; returns at once. Throws
    /// std::invalid_argument when the event name is not one of the OpenAPI document's or detail
    /// is not a JSON object of strings, integers, booleans, arrays and objects.
    void Append(AuditEvent event);

    /// Calls `stopped` (on the loop thread) once every event appended so far is
    /// stored, or could not be stored after a retry. At once when nothing is pending.
    void Stop(std::function<void()> stopped);

    /// Calls `done` (on the loop thread) once every event appended so far is stored
    /// and synced to disk: true; false when a write of them failed (they stay queued
    /// and are retried, but whoever waits learns that they are not on disk yet).
    /// At once when nothing is pending. For answers that must not reach a client
    /// before their audit record is durable (ApiContext::HoldForAudit).
    void WhenStored(std::function<void(bool stored)> done);

    /// Events appended but not yet stored.
    std::size_t Pending() const noexcept;

    /// Called on the loop thread after each stored batch (tests, metrics).
    void SetStoredHook(std::function<void(std::size_t count)> hook);

    /// Keeps records `retention_seconds` (audit.retention_days) and, for a transfer's
    /// records, that long after the transfer is gone: transfer_exists answers whether a
    /// transfer is still in the index (called on the threadpool; it must stay valid
    /// until Stop() has called back). Prunes now, then every interval_ms. A retention
    /// of 0 keeps everything.
    void StartRetention(std::int64_t retention_seconds,
                        std::function<bool(std::string_view transfer_id)> transfer_exists,
                        std::uint64_t interval_ms = kRetentionIntervalMs);

    /// Called on the loop thread after each pruning pass with the records removed.
    void SetPrunedHook(std::function<void(std::uint64_t count)> hook);

    static constexpr std::uint64_t kRetentionIntervalMs = 3600 * 1000;

    /// The blocking reader/writer underneath; not on the loop thread.
    AuditStore& store() noexcept { return *store_; }

private:
    void Flush();
    void WriteDone(std::size_t count, std::exception_ptr error);
    void Prune();
    /// Calls the Stop() callback once nothing is pending or running.
    void FinishStop();
    /// Answers the WhenStored() waiters whose events are stored (or all, with false).
    void SettleWaiters(bool failed);

    uv_loop_s* loop_;
    std::shared_ptr<AuditStore> store_;
    std::unique_ptr<uv::Timer> retry_timer_;
    std::unique_ptr<uv::Timer> retention_timer_;
    std::int64_t retention_seconds_ = 0;
    std::function<bool(std::string_view)> transfer_exists_;
    bool prune_in_flight_ = false;
    std::function<void(std::uint64_t)> pruned_hook_;
    /// Appended, not yet handed to the threadpool.
    std::shared_ptr<std::vector<TimedEvent>> queued_;
    /// Handed to the threadpool (kept for a retry until the write succeeded).
    std::shared_ptr<std::vector<TimedEvent>> writing_;
    bool write_in_flight_ = false;
    /// Events ever appended, and ever stored or given up (WhenStored()).
    std::uint64_t appended_ = 0;
    std::uint64_t settled_ = 0;
    struct Waiter {
        std::uint64_t until;
        std::function<void(bool)> done;
    };
    std::deque<Waiter> waiters_;
    bool stopping_ = false;
    unsigned failures_ = 0;
    std::function<void()> stopped_;
    std::function<void(std::size_t)> stored_hook_;
    /// Expires with the AuditLog; completions check it before touching `this`.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace sealpost::audit
