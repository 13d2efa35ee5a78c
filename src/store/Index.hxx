// The metadata index: transfers, files, download links and expiries. An
// interface, so that a second backend (PostgreSQL, see docs/scaling.md) can
// stand behind it without touching the routes; LmdbIndex is the local one.
// Holds no key that opens a transfer: the wraps live in WrapFiles.
//
// Every state change of a transfer is one method here and one LMDB write
// transaction that checks and changes together (LMDB lets one writer in at a
// time), so two requests racing each other cannot undo one another. Reads
// open a short read transaction and may run on any thread (the loop thread
// included: they never wait on I/O beyond the page cache). Writes wait for
// the disk and must run off the loop thread (threadpool). Owned by
// Storage; the routes see it only as `const Index&` (reads).
#pragma once

#include "store/Records.hxx"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sealpost::store {

enum class ExpiryKind {
    transfer,  ///< retention over
    abandoned, ///< an open transfer without upload progress
    upload,    ///< an incomplete file without upload progress
};

struct ExpiryEntry {
    std::int64_t time = 0;
    ExpiryKind kind = ExpiryKind::transfer;
    std::string id; ///< transfer id, or file id for ExpiryKind::upload
};

/// security.lock_after / lock_minutes / delete_after.
struct AttemptPolicy {
    std::uint32_t lock_after = 3;
    std::int64_t lock_seconds = 3600;
    std::uint32_t delete_after = 10;
};

class Index {
public:
    virtual ~Index() = default;

    // --- reads (any thread) ---------------------------------------------------
    virtual std::optional<TransferRecord> GetTransfer(std::string_view id) const = 0;
    virtual std::optional<FileRecord> GetFile(std::string_view id) const = 0;
    /// The sender of a transfer that exists (what authenticates its uploads;
    /// it never changes), without reading the whole record where the index
    /// can avoid it: a transfer's record lists every file, and a burst of
    /// uploads into one transfer asks for the sender once per request.
    virtual std::optional<std::string> TransferSender(std::string_view id) const {
        auto t = GetTransfer(id);
        return t ? std::optional<std::string>(std::move(t->sender)) : std::nullopt;
    }
    virtual std::optional<std::string> TransferOfDownload(std::string_view download_id) const = 0;
    virtual std::optional<ExpiryEntry> EarliestExpiry() const = 0;
    virtual std::vector<ExpiryEntry> DueExpiries(std::int64_t now) const = 0;
    virtual void ForEachFile(const std::function<void(const FileRecord&)>& visit) const = 0;
    virtual void ForEachTransfer(const std::function<void(const TransferRecord&)>& visit) const = 0;

    // --- state transitions (threadpool; each one write transaction) -----------
    /// A new open transfer, with its confidential message's file when it has one.
    virtual void CreateTransfer(const TransferRecord& transfer, const std::optional<FileRecord>& message) = 0;

    enum class AddFileResult { added, no_transfer, not_open, over_quota };
    /// Adds a new file to its open transfer and reserves its size.
    virtual AddFileResult AddFile(const FileRecord& file) = 0;

    enum class CommitResult { stored, gone, over_quota };
    /// Records upload progress of a file (offset, completion, sealed digest)
    /// while its transfer is open and the file still belongs to it; `gone`
    /// (nothing written) after a revoke, an expiry or a termination.
    /// `reserve_size`: the size became known only at the end of the body and
    /// is reserved now (`over_quota` when it does not fit). Pushes the open
    /// transfer's abandonment deadline to `upload_deadline`.
    virtual CommitResult CommitUpload(const FileRecord& file, bool reserve_size,
                              std::int64_t upload_deadline) = 0;
    /// One upload's commit in a batch.
    struct UploadCommit {
        FileRecord file;
        bool reserve_size = false;
        std::int64_t upload_deadline = 0;
    };
    /// Several CommitUpload()s, each decided on its own, in order, exactly as
    /// CommitUpload() would; the results in the same order. An index that can
    /// write them in one transaction (one sync for all) overrides this.
    virtual std::vector<CommitResult> CommitUploads(std::span<const UploadCommit> commits) {
        std::vector<CommitResult> results;
        for (const auto& c : commits)
            results.push_back(CommitUpload(c.file, c.reserve_size, c.upload_deadline));
        return results;
    }
    /// Moves a file to the layout of a re-keyed blob (chunks_offset).
    virtual void UpdateFileLayout(const FileRecord& file) = 0;

    /// tus termination or an abandoned upload: removes an incomplete file from
    /// its transfer (quota released) and deletes its record.
    virtual void RemoveFile(const FileRecord& file) = 0;

    enum class SubmitResult { submitted, not_found, not_open, incomplete, empty };
    /// open → provided when every file is complete and there is a file or a
    /// message, with the pending report "provided". `out` is the record after
    /// the transition.
    virtual SubmitResult Submit(std::string_view transfer_id, TransferRecord& out) = 0;

    /// open/provided → `status` (revoked, expired or deleted) with the pending
    /// report `report` (the deletion reason); with `only_if_open`, open →
    /// `status` only (an abandoned upload). The record as it was before, or
    /// nullopt when nothing changed (unknown, already gone, or not open when
    /// that was required). A deletion by password attempts is reported as
    /// "attempts" (FinishAttempt, SettleStaleAttempts).
    virtual std::optional<TransferRecord> MarkGone(std::string_view transfer_id, TransferStatus status,
                                           std::string_view report, bool only_if_open = false) = 0;
    /// The report of `event` is durable (audit record and notices stored):
    /// removes the oldest pending report of that event. False when there was none.
    virtual bool Reported(std::string_view transfer_id, std::string_view event) = 0;
    /// Deletes the file records of a gone transfer (its blobs are unlinked first).
    virtual void DropFiles(const TransferRecord& gone) = 0;

    enum class AttemptOutcome {
        reserved, ///< evaluate the password now (Argon2id), then FinishAttempt
        unlocked, ///< the password opened the key
        failed,   ///< wrong; counted
        locked,   ///< locked now, or refused without evaluation while locked
        deferred, ///< not evaluated: the attempts in flight could reach the lock or
                  ///< the deletion limit (nothing is locked; try again when one settles)
        deleted,  ///< this attempt reached the deletion limit: marked deleted (`out`
                  ///< is the record as it was, with its counters)
        gone,     ///< revoked, expired or deleted already
    };
    /// Reserves one password attempt before Argon2id runs: refused (`locked`)
    /// while the transfer is locked, `deferred` while the attempts already in
    /// flight could reach the lock or the deletion limit; `deleted` (and marked so in
    /// this transaction) once the deletion limit has been reached.
    virtual AttemptOutcome ReserveAttempt(std::string_view transfer_id, std::int64_t now,
                                  const AttemptPolicy& policy, TransferRecord& out) = 0;
    /// Gives a reserved attempt back unevaluated (the Argon2id queue was full).
    virtual void CancelAttempt(std::string_view transfer_id) = 0;
    /// Settles a reserved attempt: a success resets the consecutive count
    /// (and answers `gone` if the transfer went meanwhile); a failure counts,
    /// locks after `lock_after` consecutive failures and marks the transfer
    /// deleted after `delete_after` in total.
    virtual AttemptOutcome FinishAttempt(std::string_view transfer_id, bool success, std::int64_t now,
                                 const AttemptPolicy& policy, TransferRecord& out) = 0;
    /// Attempts left reserved by a process that died count as failures.
    /// Returns the transfers this marked deleted (as they were before).
    virtual std::vector<TransferRecord> SettleStaleAttempts(std::int64_t now,
                                                    const AttemptPolicy& policy) = 0;

    /// An administrator's unlock: clears the lock and the consecutive count;
    /// the transfer after it, or nullopt when it is gone.
    virtual std::optional<TransferRecord> ClearLock(std::string_view transfer_id) = 0;
    /// Counts one retrieval by the recipient with this download id.
    virtual std::optional<TransferRecord> RecordDownload(std::string_view transfer_id,
                                                 std::string_view download_id, std::int64_t now) = 0;
};

} // namespace sealpost::store
