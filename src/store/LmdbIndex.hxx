// The local index: one LMDB environment (data/index/) with named databases
//   transfers  transfer id → TransferRecord
//   files      file id → FileRecord
//   downloads  download id → transfer id
//   expiry     be64(time) kind id → "" where kind is
//                't' a live transfer's retention ends,
//                'o' an open transfer was abandoned (no upload progress),
//                'u' an incomplete file's upload was abandoned
// and, in the same environment, the sender side's databases (env()). LMDB
// lets one writer in at a time, so each transition's write transaction reads
// and writes under that lock. Thread rules as in Index.hxx.
#pragma once

#include "lib/lmdb/Env.hxx"
#include "store/Index.hxx"

#include <filesystem>
#include <map>
#include <mutex>

namespace sealpost::store {

class WrapFiles;

class LmdbIndex final : public Index {
public:
    static constexpr std::uint64_t kSchemaVersion = 4;
    /// Named databases of the sender side, kept in this environment and
    /// used by their own modules through env(): browser clients, pending
    /// verification codes, API tokens, recipients' access grants.
    static constexpr const char* kSenderDatabases[] = {"clients", "verifications", "tokens",
                                                        "access"};

    /// Opens (and migrates) the index. Migrating a version 2 index moves the
    /// wraps that older versions kept in transfer records into `wraps`, seals
    /// the file digests, and then rewrites data.mdb compacted, so that no
    /// freed page keeps an old record.
    LmdbIndex(const std::filesystem::path& dir, const WrapFiles& wraps);

    std::optional<TransferRecord> GetTransfer(std::string_view id) const override;
    std::optional<FileRecord> GetFile(std::string_view id) const override;
    std::optional<std::string> TransferSender(std::string_view id) const override;
    std::optional<std::string> TransferOfDownload(std::string_view download_id) const override;
    std::optional<ExpiryEntry> EarliestExpiry() const override;
    std::vector<ExpiryEntry> DueExpiries(std::int64_t now) const override;
    void ForEachFile(const std::function<void(const FileRecord&)>& visit) const override;
    void ForEachTransfer(const std::function<void(const TransferRecord&)>& visit) const override;
    void CreateTransfer(const TransferRecord& transfer, const std::optional<FileRecord>& message) override;
    AddFileResult AddFile(const FileRecord& file) override;
    CommitResult CommitUpload(const FileRecord& file, bool reserve_size, std::int64_t upload_deadline) override;
    std::vector<CommitResult> CommitUploads(std::span<const UploadCommit> commits) override;
    void UpdateFileLayout(const FileRecord& file) override;
    void RemoveFile(const FileRecord& file) override;
    SubmitResult Submit(std::string_view transfer_id, TransferRecord& out) override;
    std::optional<TransferRecord> MarkGone(std::string_view transfer_id, TransferStatus status,
                                           std::string_view report, bool only_if_open = false) override;
    bool Reported(std::string_view transfer_id, std::string_view event) override;
    void DropFiles(const TransferRecord& gone) override;
    AttemptOutcome ReserveAttempt(std::string_view transfer_id, std::int64_t now, const AttemptPolicy& policy, TransferRecord& out) override;
    void CancelAttempt(std::string_view transfer_id) override;
    AttemptOutcome FinishAttempt(std::string_view transfer_id, bool success, std::int64_t now, const AttemptPolicy& policy, TransferRecord& out) override;
    std::vector<TransferRecord> SettleStaleAttempts(std::int64_t now, const AttemptPolicy& policy) override;
    std::optional<TransferRecord> ClearLock(std::string_view transfer_id) override;
    std::optional<TransferRecord> RecordDownload(std::string_view transfer_id, std::string_view download_id, std::int64_t now) override;

    /// The environment, for modules that keep their own named databases in
    /// it (kSenderDatabases). Writes off the loop thread.
    lmdb::Env& env() noexcept { return env_; }

private:
    template <typename F> void Write(F&& body);

    mutable lmdb::Env env_;
    /// Senders of transfers read before (they never change; whether the
    /// transfer still exists is looked up every time). Bounded: cleared when
    /// full.
    mutable std::mutex senders_mutex_;
    mutable std::map<std::string, std::string, std::less<>> senders_;
};

} // namespace sealpost::store
