#include "audit/AuditLog.hxx"

#include "audit/AuditStore.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "util/Time.hxx"

namespace sealpost::audit {

namespace {

/// Events per write transaction at most; a burst is split into several writes.
constexpr std::size_t kMaxBatch = 512;
constexpr std::uint64_t kRetryDelayMs = 1000;

std::string ErrorText(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

} // namespace

AuditLog::AuditLog(uv_loop_s* loop, std::filesystem::path dir)
    : loop_(loop), store_(std::make_shared<AuditStore>(dir)),
      retry_timer_(std::make_unique<uv::Timer>(loop, [this] { Flush(); })),
      retention_timer_(std::make_unique<uv::Timer>(loop, [this] { Prune(); })),
      queued_(std::make_shared<std::vector<TimedEvent>>()),
      writing_(std::make_shared<std::vector<TimedEvent>>()) {}

AuditLog::~AuditLog() {
    if (!queued_->empty())
        log::Write(log::Level::error, "audit_events_lost",
                   {{"count", std::to_string(queued_->size())}});
}

void AuditLog::Append(AuditEvent event) {
    CheckAuditEvent(event);
    queued_->push_back({std::move(event), UnixNow()});
    ++appended_;
    Flush();
}

void AuditLog::WhenStored(std::function<void(bool)> done) {
    if (settled_ >= appended_) {
        done(true);
        return;
    }
    waiters_.push_back({appended_, std::move(done)});
}

void AuditLog::SettleWaiters(bool failed) {
    // Called back after the queue is updated: a callback may append again.
    std::vector<std::function<void(bool)>> ready;
    while (!waiters_.empty() && (failed || waiters_.front().until <= settled_)) {
        ready.push_back(std::move(waiters_.front().done));
        waiters_.pop_front();
    }
    for (auto& done : ready)
        done(!failed);
}

std::size_t AuditLog::Pending() const noexcept {
    return queued_->size() + writing_->size();
}

void AuditLog::SetStoredHook(std::function<void(std::size_t)> hook) {
    stored_hook_ = std::move(hook);
}

void AuditLog::SetPrunedHook(std::function<void(std::uint64_t)> hook) {
    pruned_hook_ = std::move(hook);
}

void AuditLog::StartRetention(std::int64_t retention_seconds,
                              std::function<bool(std::string_view)> transfer_exists,
                              std::uint64_t interval_ms) {
    retention_seconds_ = retention_seconds;
    transfer_exists_ = std::move(transfer_exists);
    if (retention_seconds_ <= 0 || stopping_)
        return;
    retention_timer_->Start(0, interval_ms);
}

void AuditLog::Prune() {
    if (prune_in_flight_ || stopping_)
        return;
    prune_in_flight_ = true;
    AuditRetention retention{.cutoff = UnixNow() - retention_seconds_,
                             .transfer_exists = transfer_exists_};
    auto pruned = std::make_shared<AuditPruneResult>();
    std::weak_ptr<int> alive = alive_;
    uv::QueueWork(
        loop_,
        [store = store_, retention = std::move(retention), pruned] {
            // One write transaction per batch, so appends are not held up for long.
            for (;;) {
                const auto batch = store->Prune(retention);
                pruned->pruned += batch.pruned;
                pruned->anchor = batch.anchor;
                if (batch.pruned < retention.max_records)
                    return;
            }
        },
        [this, alive, pruned](std::exception_ptr error) {
            if (alive.expired())
                return;
            prune_in_flight_ = false;
            if (error)
                log::Write(log::Level::error, "audit_pruning_failed",
                           {{"error", ErrorText(error)}});
            else if (pruned->pruned > 0)
                log::Write(
                    log::Level::info, "audit_records_past_retention_removed",
                    {{"count", std::to_string(pruned->pruned)},
                     {"anchor_seq", std::to_string(pruned->anchor ? pruned->anchor->seq : 0)}});
            if (!error && pruned_hook_)
                pruned_hook_(pruned->pruned);
            FinishStop();
        });
}

void AuditLog::Stop(std::function<void()> stopped) {
    stopping_ = true;
    retention_timer_->Stop();
    stopped_ = std::move(stopped);
    if (!write_in_flight_ && Pending() == 0) {
        retry_timer_->Stop();
        FinishStop();
        return;
    }
    if (!write_in_flight_ && !retry_timer_->IsActive())
        Flush();
}

void AuditLog::FinishStop() {
    if (stopping_ && !write_in_flight_ && !prune_in_flight_ && Pending() == 0 && stopped_)
        std::exchange(stopped_, nullptr)();
}

void AuditLog::Flush() {
    if (write_in_flight_)
        return;
    if (writing_->empty()) {
        if (queued_->empty())
            return;
        // Take the oldest events, in order, up to one batch.
        const std::size_t n = std::min(queued_->size(), kMaxBatch);
        writing_->assign(std::make_move_iterator(queued_->begin()),
                         std::make_move_iterator(queued_->begin() + static_cast<long>(n)));
        queued_->erase(queued_->begin(), queued_->begin() + static_cast<long>(n));
    }
    retry_timer_->Stop();
    write_in_flight_ = true;
    const std::size_t count = writing_->size();
    std::weak_ptr<int> alive = alive_;
    uv::QueueWork(
        loop_, [store = store_, batch = writing_] { store->Append(*batch); },
        [this, alive, count](std::exception_ptr error) {
            if (!alive.expired())
                WriteDone(count, error);
        });
}

void AuditLog::WriteDone(std::size_t count, std::exception_ptr error) {
    write_in_flight_ = false;
    if (error) {
        ++failures_;
        log::Write(log::Level::error, "audit_write_failed",
                   {{"events", std::to_string(count)}, {"error", ErrorText(error)}});
        if (stopping_ && failures_ >= 2) {
            log::Write(log::Level::error, "audit_events_lost",
                       {{"count", std::to_string(Pending())}});
            settled_ += Pending();
            writing_->clear();
            queued_->clear();
        } else {
            retry_timer_->Start(kRetryDelayMs);
        }
        SettleWaiters(true);
        if (retry_timer_->IsActive())
            return;
    } else {
        failures_ = 0;
        settled_ += count;
        writing_->clear();
        if (stored_hook_)
            stored_hook_(count);
        SettleWaiters(false);
    }
    if (Pending() > 0) {
        Flush();
        return;
    }
    FinishStop();
}

} // namespace sealpost::audit
