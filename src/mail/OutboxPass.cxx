#include "mail/OutboxPass.hxx"

#include "log/Log.hxx"
#include "mail/MessageTransport.hxx"

#include <chrono>

namespace sealpost {

namespace {

/// Messages read from the schedule at a time.
constexpr std::size_t kBatch = 32;

OutboxReport ReportOf(const OutboxEntry& entry, std::string error = {}) {
    return {entry.id,       entry.kind,      entry.reference, entry.envelope.recipients,
            entry.attempts, std::move(error)};
}

void LogSent(const OutboxEntry& entry, std::string_view transport) {
    log::Write(log::Level::info, "mail sent",
               {{"id", entry.id},
                {"kind", entry.kind},
                {"transport", std::string(transport)},
                {"recipients", std::to_string(entry.envelope.recipients.size())},
                {"attempts", std::to_string(entry.attempts)}});
}

void LogFailed(const OutboxEntry& entry, const std::string& error) {
    log::Write(log::Level::error, "mail failed",
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
    log::Write(log::Level::warn, "mail deferred",
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
                   OutboxPassResult& result) {
    // Only what was due when the pass began: a message rescheduled during
    // the pass waits for the next one, so the pass always ends.
    const std::int64_t cutoff = OutboxNowMs();
    for (;;) {
        const std::vector<OutboxDue> due = store.Due(cutoff, kBatch);
        if (due.empty())
            break;
        for (const OutboxDue& item : due) {
            std::optional<OutboxStore::Loaded> loaded;
            try {
                loaded = store.Load(item.id);
            } catch (const std::runtime_error& e) {
                log::Write(log::Level::error, "mail discarded", {{"error", e.what()}});
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
