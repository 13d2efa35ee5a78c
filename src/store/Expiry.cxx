// Storage: the expiry timer and the start-up sweep. Transfers past their
// retention, open transfers without upload progress for the upload expiry
// (their W_up would otherwise stay for the whole retention) and abandoned
// incomplete files go on the timer, and at start for whatever fell due while
// the service was down. The sweep also finishes what a crash interrupted:
// reports of state changes not yet stored (audit records, notices), password
// attempts left reserved (counted as failures), teardowns half done, W_up left
// behind by a submit, and blob and wrap files no record refers to.
#include "lib/uv/Timer.hxx"
#include "log/Log.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "util/Time.hxx"

#include <set>

namespace sealpost::store {
namespace {

DeletionReason ReasonFor(ExpiryKind kind) {
    return kind == ExpiryKind::abandoned ? DeletionReason::abandoned : DeletionReason::expired;
}

} // namespace

void Storage::Start() {
    const std::int64_t now = UnixNow();
    // First what a crash left unreported (before this start adds reports of its own).
    std::vector<TransferRecord> unreported;
    index_->ForEachTransfer([&](const TransferRecord& t) {
        if (!t.unreported.empty())
            unreported.push_back(t);
    });
    for (const auto& t : unreported)
        for (const auto& report : t.unreported) {
            log::Write(log::Level::info, "report_resumed",
                       {{"transfer_id", t.id}, {"event", report.event}});
            if (on_unreported)
                on_unreported(t, report);
        }
    for (const auto& t : index_->SettleStaleAttempts(now, options_.attempts)) {
        Teardown(t);
        if (on_deleted)
            on_deleted(t, DeletionReason::attempts, {});
    }
    for (const auto& entry : index_->DueExpiries(now)) {
        if (entry.kind == ExpiryKind::upload) {
            if (const auto f = index_->GetFile(entry.id)) {
                index_->RemoveFile(*f);
                blobs_->Remove(f->id);
            }
            continue;
        }
        log::Write(log::Level::info, "transfer_expired_while_down", {{"transfer_id", entry.id}});
        DeleteTransferNow(entry.id, ReasonFor(entry.kind), {});
    }

    // What a crash left behind.
    std::set<std::string> live, open, live_downloads, unreported_submits;
    std::set<std::string> known_complete, known_partial;
    index_->ForEachTransfer([&](const TransferRecord& t) {
        if (t.status == TransferStatus::open)
            open.insert(t.id);
        for (const auto& report : t.unreported)
            if (report.event == kSubmitReport && IsLive(t.status))
                unreported_submits.insert(t.id); // W_up until the notices are stored
        if (IsLive(t.status)) {
            live.insert(t.id);
            for (const auto& r : t.recipients)
                live_downloads.insert(r.download_id);
        }
    });
    index_->ForEachTransfer([&](const TransferRecord& t) {
        if (!IsLive(t.status) && (!t.file_ids.empty() || !t.message_file_id.empty())) {
            bool has_files = false;
            for (const auto& id : t.file_ids)
                has_files = has_files || index_->GetFile(id).has_value();
            if (!t.message_file_id.empty())
                has_files = has_files || index_->GetFile(t.message_file_id).has_value();
            if (has_files) {
                log::Write(log::Level::info, "transfer_deletion_finished", {{"transfer_id", t.id}});
                Teardown(t);
            }
        }
    });
    for (const auto& [id, kind] : wraps_.List()) {
        const bool keep = (kind == WrapKind::upload && (open.count(id) || unreported_submits.count(id))) ||
                          (kind == WrapKind::password && live.count(id)) ||
                          ((kind == WrapKind::quick || kind == WrapKind::invitation) &&
                           live_downloads.count(id)) ||
                          // pruned with their records below
                          kind == WrapKind::access || kind == WrapKind::shared ||
                          kind == WrapKind::code;
        if (!keep)
            wraps_.Destroy(id, kind);
    }
    grants_.Prune(now);
    grants_.DestroyOrphanWraps();
    quick_.PruneCodes(now);
    quick_.DestroyOrphanWraps();
    index_->ForEachFile(
        [&](const FileRecord& f) { (f.complete ? known_complete : known_partial).insert(f.id); });
    for (const auto& id : blobs_->ListIds()) {
        const bool complete = known_complete.count(id) > 0;
        const bool partial = known_partial.count(id) > 0;
        if (!complete && !partial) {
            blobs_->Remove(id);
            continue;
        }
        blobs_->RemoveLeftovers(id, complete); // an interrupted commit or re-key
    }
    ArmExpiry();
}

void Storage::Stop() {
    expiry_timer_.reset();
    attempt_retry_.reset();
}

void Storage::ArmExpiry() {
    if (!expiry_timer_)
        expiry_timer_ = std::make_unique<uv::Timer>(loop_, [this] { OnExpiry(); });
    // With nothing due the timer still runs: transfers created later are
    // expired by it (nothing else re-arms it).
    const auto next = index_->EarliestExpiry();
    const std::int64_t wait =
        next ? std::max<std::int64_t>(0, next->time - UnixNow()) : std::int64_t{60};
    // Re-armed at least every minute so a clock stepped forward is noticed soon
    // (the timer runs on the monotonic clock, which such a step does not move).
    expiry_timer_->Start(static_cast<std::uint64_t>(std::min<std::int64_t>(wait, 60)) * 1000 +
                         10);
    expiry_timer_->Unref();
}

void Storage::OnExpiry() {
    const auto due = index_->DueExpiries(UnixNow());
    if (due.empty()) {
        ArmExpiry();
        return;
    }
    auto remaining = std::make_shared<std::size_t>(due.size());
    auto one_done = [this, remaining] {
        if (--*remaining == 0)
            ArmExpiry();
    };
    for (const auto& entry : due) {
        if (entry.kind == ExpiryKind::upload) {
            if (const auto f = index_->GetFile(entry.id)) {
                log::Write(log::Level::info, "upload_abandoned", {{"file_id", f->id}});
                TerminateFile(*f, [one_done](Outcome) { one_done(); });
            } else {
                one_done();
            }
            continue;
        }
        // For an abandoned transfer DeleteTransfer's transaction checks that
        // it is still open (it may have been submitted meanwhile).
        log::Write(log::Level::info, "transfer_expiring", {{"transfer_id", entry.id}});
        DeleteTransfer(entry.id, ReasonFor(entry.kind), {}, [one_done](bool) { one_done(); });
    }
}

} // namespace sealpost::store
