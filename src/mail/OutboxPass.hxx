// One run of the outbox's sender: delivers every message that was due when
// the run began, earliest first, and records each outcome in the store before
// it turns to the next message (removed once the transport accepted it or
// refused it for good; otherwise rescheduled by the RetryPolicy, or given up
// once too old). Stops early when the transport reports itself down, so a dead
// relay costs one connection attempt per run rather than one per message.
//
// Runs on a worker thread (the threadpool), never on the event loop;
// the Outbox runs at most one pass at a time, so the transport is never used
// concurrently. Outcomes are returned for the loop thread to report.
#pragma once

#include "mail/OutboxStore.hxx"
#include "mail/RetryPolicy.hxx"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sealpost {

class MessageTransport;

/// What the owner of the outbox learns about one message.
struct OutboxReport {
    std::string id;
    std::string kind;
    std::string reference;
    std::vector<std::string> recipients;
    /// Delivery attempts made, including the last one.
    unsigned attempts = 0;
    /// Why the message was given up; empty for a sent message.
    std::string error;
};

struct OutboxPassResult {
    std::vector<OutboxReport> sent;
    std::vector<OutboxReport> failed;
    /// The transport reported itself down; the pass stopped there.
    bool transport_down = false;
    /// When the next scheduled message is due (after this pass).
    std::optional<std::int64_t> next_due_ms;
};

/// Milliseconds since the Unix epoch (the outbox's clock).
std::int64_t OutboxNowMs() noexcept;

/// Runs one pass over the messages scheduled at or before cutoff_ms (the
/// current time, or the far future for the pass at start, which retries
/// everything at once). `result` collects outcomes as they happen, so a
/// storage error thrown halfway leaves what was already done reported. The
/// pass ends before its next delivery once `stop` is set (shutdown).
void RunOutboxPass(OutboxStore& store, MessageTransport& transport, const RetryPolicy& retry,
                   const std::atomic<bool>& stop, std::int64_t cutoff_ms, OutboxPassResult& result);

} // namespace sealpost
