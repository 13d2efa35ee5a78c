// Storage: crypto-shredding, the one way a transfer is deleted (revoked by its
// sender, expired, abandoned, too many wrong passwords, an administrator).
// Always in this order:
//   1. the state change, in one index transaction (nothing more happens when
//      the transfer is already gone, so two deletions never both run), with
//      the pending report of the reason;
//   2. its wraps (W_up, W_pw, each recipient's W_q and W_inv) are destroyed: from here on nothing opens sk_T;
//   3. its recipients' access grants (their wraps first);
//   4. its blob files;
//   5. its file records;
//   6. on_deleted: the audit event and the notices; once both are stored the
//      caller clears the pending report (Reported).
// A crash between the steps is finished by the start-up sweep (Expiry.cxx),
// and a report still pending is made again at start (on_unreported).
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "util/Time.hxx"

namespace sealpost::store {

void Storage::Teardown(const TransferRecord& gone) {
    std::vector<std::string> download_ids;
    for (const auto& r : gone.recipients)
        if (IsValidId(r.download_id))
            download_ids.push_back(r.download_id);
    wraps_.DestroyTransferWraps(gone.id, download_ids);
    grants_.Prune(UnixNow(), gone.id);
    std::vector<std::string> ids = gone.file_ids;
    if (const auto current = index_->GetTransfer(gone.id))
        ids = current->file_ids;
    if (!gone.message_file_id.empty())
        ids.push_back(gone.message_file_id);
    for (const auto& id : ids)
        if (IsValidId(id))
            blobs_->Remove(id);
    index_->DropFiles(gone);
}

void Storage::DeleteTransfer(const std::string& transfer_id, DeletionReason reason, Actor actor,
                             std::function<void(bool)> done) {
    auto before = std::make_shared<std::optional<TransferRecord>>();
    uv::QueueWork(
        loop_,
        [this, before, transfer_id, reason] {
            *before = index_->MarkGone(transfer_id, StatusAfter(reason), ToString(reason),
                                       reason == DeletionReason::abandoned);
            if (*before)
                Teardown(**before);
        },
        [this, before, transfer_id, reason, actor = std::move(actor),
         done = std::move(done)](std::exception_ptr error) {
            if (error)
                log::Write(log::Level::error, "transfer_deletion_failed", {{"transfer_id", transfer_id}});
            if (*before) {
                ForgetSessions(**before);
                if (on_deleted)
                    on_deleted(**before, reason, actor);
            }
            if (done)
                done(before->has_value());
        });
}

bool Storage::DeleteTransferNow(const std::string& transfer_id, DeletionReason reason,
                                Actor actor) {
    const auto before = index_->MarkGone(transfer_id, StatusAfter(reason), ToString(reason),
                                         reason == DeletionReason::abandoned);
    if (!before)
        return false;
    Teardown(*before);
    ForgetSessions(*before);
    if (on_deleted)
        on_deleted(*before, reason, actor);
    return true;
}

} // namespace sealpost::store
