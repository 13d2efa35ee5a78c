#include "mail/OutboxPass.hxx"

#include "log/Log.hxx"
#include "mail/MessageTransport.hxx"

#include <chrono>
#include <set>

namespace sealpost {

namespace {

/// Messages read from the schedule at a time.
constexpr std::size_t kBatch = 32;

OutboxReport ReportOf(const OutboxEntry& entry, std::string error = {}) {
    return {entry.id,       entry.kind,      entry.reference, entry.envelope.recipients,
            entry.attempts, std::move(error)};
}

void LogSent(const OutboxEntry& entry, std::string_view transport) {
    log::Write(log::Level::info, "mail_sent",
               {{"id", entry.id},
                {"kind", entry.kind},
                {"transport", std::string(transport)},
                {"recipients", std::to_string(entry.envelope.recipients.size())},
                {"attempts", std::to_string(entry.attempts)}});
}

void LogFailed(const OutboxEntry& entry, const std::string& error) {
    log::Write(log::Level::error, "mail_failed",
               {{"id", entry.id},
                {"kind", entry.kind},
                {"attempts", std::to_string(entry.attempts)},
                {"error", error}});
}

/// Applies one delivery outcome to the store; returns false when the pass
/// must stop because the transport is down.
bool Record(OutboxStore& store, const RetryPolicy& retry, OutboxEntry entry,
            const DeliveryResult& delivery, std::string_view transport, OutboxPassResult& result) {
    using Status = DeliveryResult::Status;
    const std::int64_t scheduled = entry.next_attempt_ms;
    ++entry.attempts;
    if (delivery.status == Status::sent) {
        store.Remove(entry.id, scheduled);
        LogSent(entry, transport);
        result.sent.push_back(ReportOf(entry));
        return true;
    }
    const std::int64_t now = OutboxNowMs();
    const bool too_old = now - entry.created_at_ms >= retry.give_up_after.count();
    if (delivery.status == Status::failed || too_old) {
        store.Remove(entry.id, scheduled);
        LogFailed(entry, delivery.error);
        result.failed.push_back(ReportOf(entry, delivery.error));
        return delivery.status != Status::transport_down;
    }
    const auto delay = retry.DelayAfter(entry.attempts);
    entry.last_error = delivery.error;
    entry.next_attempt_ms = now + delay.count();
    store.Reschedule(entry, scheduled);
    log::Write(log::Level::warn, "mail_deferred",
               {{"id", entry.id},
                {"kind", entry.kind},
                {"attempts", std::to_string(entry.attempts)},
                {"retry_in_ms", std::to_string(delay.count())},
                {"error", delivery.error}});
    return delivery.status != Status::transport_down;
}

} // namespace

std::int64_t OutboxNowMs() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void RunOutboxPass(OutboxStore& store, MessageTransport& transport, const RetryPolicy& retry,
                   const std::atomic<bool>& stop, std::int64_t cutoff_ms,
                   OutboxPassResult& result) {
    // A message that is tried is rescheduled after the time it was tried,
    // so, with a cutoff from before the pass, the pass always ends. A pass
    // with a far-future cutoff tries each message once: those rescheduled
    // are skipped by id.
    std::set<std::string> tried;
    store.PruneSent(OutboxNowMs() - OutboxStore::kSentMemoryMs);
    for (;;) {
        std::vector<OutboxDue> due = store.Due(cutoff_ms, kBatch + tried.size());
        std::erase_if(due, [&](const OutboxDue& d) { return tried.contains(d.id); });
        if (due.empty())
            break;
        for (const OutboxDue& item : due) {
            if (stop.load(std::memory_order_relaxed))
                return;
            std::optional<OutboxStore::Loaded> loaded;
            try {
                loaded = store.Load(item.id);
            } catch (const std::runtime_error& e) {
                log::Write(log::Level::error, "mail_discarded", {{"error", e.what()}});
                OutboxEntry damaged;
                damaged.id = item.id;
                damaged.kind = "unknown";
                store.Discard(item.id);
                result.failed.push_back(ReportOf(damaged, e.what()));
                continue;
            }
            if (!loaded) {
                store.Discard(item.id); // a schedule entry without its message
                continue;
            }
            tried.insert(item.id);
            const DeliveryResult delivery =
                transport.Deliver(item.id, loaded->entry.envelope, loaded->message);
            if (!Record(store, retry, std::move(loaded->entry), delivery, transport.Name(),
                        result)) {
                result.transport_down = true;
                result.next_due_ms = store.NextDue();
                return;
            }
        }
    }
    result.next_due_ms = store.NextDue();
}

} // namespace sealpost
