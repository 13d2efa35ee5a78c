#include "store/LmdbIndex.hxx"
#include "store/QuickKeys.hxx"
#include "store/IndexMigrations.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Error.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include <algorithm>
#include <map>

namespace sealpost::store {
namespace {

constexpr const char* kTransfers = "transfers";
constexpr const char* kFiles = "files";
constexpr const char* kDownloads = "downloads";
constexpr const char* kExpiry = "expiry";

char KindChar(ExpiryKind kind) {
    switch (kind) {
    case ExpiryKind::transfer:
        return 't';
    case ExpiryKind::abandoned:
        return 'o';
    case ExpiryKind::upload:
        return 'u';
    }
    return 't';
}

std::string ExpiryKey(std::int64_t time, ExpiryKind kind, std::string_view id) {
    std::string key = lmdb::EncodeU64(static_cast<std::uint64_t>(time));
    key += KindChar(kind);
    key += id;
    return key;
}

std::optional<ExpiryEntry> ParseExpiryKey(std::string_view key) {
    if (key.size() < 10)
        return std::nullopt;
    const auto time = lmdb::DecodeU64(key.substr(0, 8));
    if (!time)
        return std::nullopt;
    ExpiryKind kind = ExpiryKind::transfer;
    if (key[8] == 'u')
        kind = ExpiryKind::upload;
    else if (key[8] == 'o')
        kind = ExpiryKind::abandoned;
    return ExpiryEntry{static_cast<std::int64_t>(*time), kind, std::string(key.substr(9))};
}

bool HasUploadExpiry(const FileRecord& r) {
    return !r.complete && r.upload_expires_at > 0;
}

bool HasAbandonExpiry(const TransferRecord& r) {
    return r.status == TransferStatus::open && r.upload_deadline > 0;
}

std::optional<TransferRecord> ReadTransfer(lmdb::Txn& txn, std::string_view id) {
    const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, id);
    return value ? ParseTransfer(*value) : std::nullopt;
}

std::optional<FileRecord> ReadFile(lmdb::Txn& txn, std::string_view id) {
    const auto value = lmdb::Dbi::Open(txn, kFiles).Get(txn, id);
    return value ? ParseFile(*value) : std::nullopt;
}

void PutTransferIn(lmdb::Txn& txn, const TransferRecord& record) {
    const auto transfers = lmdb::Dbi::Open(txn, kTransfers);
    const auto expiry = lmdb::Dbi::Open(txn, kExpiry);
    const auto downloads = lmdb::Dbi::Open(txn, kDownloads);
    if (const auto old_value = transfers.Get(txn, record.id))
        if (const auto old = ParseTransfer(*old_value)) {
            expiry.Del(txn, ExpiryKey(old->expires_at, ExpiryKind::transfer, old->id));
            if (HasAbandonExpiry(*old))
                expiry.Del(txn, ExpiryKey(old->upload_deadline, ExpiryKind::abandoned, old->id));
        }
    if (IsLive(record.status))
        expiry.Put(txn, ExpiryKey(record.expires_at, ExpiryKind::transfer, record.id), "");
    if (HasAbandonExpiry(record))
        expiry.Put(txn, ExpiryKey(record.upload_deadline, ExpiryKind::abandoned, record.id), "");
    // Download links keep resolving after revocation, expiry or deletion, so
    // recipients learn that the transfer is gone (410) rather than unknown.
    for (const auto& rc : record.recipients)
        if (!rc.download_id.empty())
            downloads.Put(txn, rc.download_id, record.id);
    transfers.Put(txn, record.id, Serialize(record));
}

void PutFileIn(lmdb::Txn& txn, const FileRecord& record) {
    const auto files = lmdb::Dbi::Open(txn, kFiles);
    const auto expiry = lmdb::Dbi::Open(txn, kExpiry);
    if (const auto old_value = files.Get(txn, record.id))
        if (const auto old = ParseFile(*old_value); old && HasUploadExpiry(*old))
            expiry.Del(txn, ExpiryKey(old->upload_expires_at, ExpiryKind::upload, old->id));
    if (HasUploadExpiry(record))
        expiry.Put(txn, ExpiryKey(record.upload_expires_at, ExpiryKind::upload, record.id), "");
    files.Put(txn, record.id, Serialize(record));
}

void DeleteFileIn(lmdb::Txn& txn, std::string_view id) {
    const auto files = lmdb::Dbi::Open(txn, kFiles);
    if (const auto old_value = files.Get(txn, id))
        if (const auto old = ParseFile(*old_value); old && HasUploadExpiry(*old))
            lmdb::Dbi::Open(txn, kExpiry)
                .Del(txn, ExpiryKey(old->upload_expires_at, ExpiryKind::upload, id));
    files.Del(txn, id);
}

void MarkDeletedIn(lmdb::Txn& txn, TransferRecord& transfer) {
    transfer.unreported.push_back({"attempts", transfer.status});
    transfer.status = TransferStatus::deleted;
    transfer.pending_attempts = 0;
    PutTransferIn(txn, transfer);
}

lmdb::EnvOptions IndexOptions() {
    lmdb::EnvOptions options;
    // Address space only (the file grows as used). Large enough that the map
    // never needs resizing, which LMDB allows only with no transaction open
    // anywhere in the process.
    options.map_size = std::size_t{64} << 30;
    options.max_dbs = 16;
    return options;
}

lmdb::Env OpenMigrated(const std::filesystem::path& dir, const WrapFiles& wraps,
                       bool& moved_wraps) {
    const std::array<lmdb::Migration, 4> migrations{
        CreateDatabases({kTransfers, kFiles, kDownloads, kExpiry}),
        CreateDatabases({std::begin(LmdbIndex::kSenderDatabases), std::end(LmdbIndex::kSenderDatabases)}),
        MoveSecretsOutOfRecords(wraps, kTransfers, kFiles, moved_wraps),
        CreateDatabases({std::begin(QuickKeys::kDatabases), std::end(QuickKeys::kDatabases)})};
    return lmdb::OpenIndex(dir, LmdbIndex::kSchemaVersion, migrations, IndexOptions());
}

} // namespace

LmdbIndex::LmdbIndex(const std::filesystem::path& dir, const WrapFiles& wraps)
    : env_([&] {
          std::filesystem::create_directories(dir);
          bool moved_wraps = false;
          lmdb::Env env = OpenMigrated(dir, wraps, moved_wraps);
          if (!moved_wraps)
              return env;
          // The old record versions (with their wraps and digests) are still
          // in freed pages: keep only a compacted copy of the live pages.
          CompactInPlace(std::move(env), dir);
          return OpenMigrated(dir, wraps, moved_wraps);
      }()) {}

template <typename F> void LmdbIndex::Write(F&& body) {
    auto txn = lmdb::Txn::BeginWrite(env_);
    body(txn);
    txn.Commit();
}

// --- reads ---------------------------------------------------------------------

std::optional<TransferRecord> LmdbIndex::GetTransfer(std::string_view id) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    return ReadTransfer(txn, id);
}

std::optional<FileRecord> LmdbIndex::GetFile(std::string_view id) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    return ReadFile(txn, id);
}

std::optional<std::string> LmdbIndex::TransferSender(std::string_view id) const {
    constexpr std::size_t kMaxSenders = 4096;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, id);
    if (!value)
        return std::nullopt;
    {
        const std::lock_guard lock(senders_mutex_);
        if (const auto it = senders_.find(id); it != senders_.end())
            return it->second;
    }
    auto record = ParseTransfer(*value);
    if (!record)
        return std::nullopt;
    const std::lock_guard lock(senders_mutex_);
    if (senders_.size() >= kMaxSenders)
        senders_.clear();
    senders_.emplace(record->id, record->sender);
    return std::move(record->sender);
}

std::optional<std::string> LmdbIndex::TransferOfDownload(std::string_view download_id) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kDownloads).Get(txn, download_id);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

std::optional<ExpiryEntry> LmdbIndex::EarliestExpiry() const {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kExpiry);
    lmdb::Cursor cursor(txn, dbi);
    const auto first = cursor.First();
    return first ? ParseExpiryKey(first->key) : std::nullopt;
}

std::vector<ExpiryEntry> LmdbIndex::DueExpiries(std::int64_t now) const {
    std::vector<ExpiryEntry> due;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kExpiry);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next()) {
        auto entry = ParseExpiryKey(e->key);
        if (!entry || entry->time > now)
            break;
        due.push_back(std::move(*entry));
    }
    return due;
}

void LmdbIndex::ForEachFile(const std::function<void(const FileRecord&)>& visit) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kFiles);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next())
        if (auto record = ParseFile(e->value))
            visit(*record);
}

void LmdbIndex::ForEachTransfer(const std::function<void(const TransferRecord&)>& visit) const {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kTransfers);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next())
        if (auto record = ParseTransfer(e->value))
            visit(*record);
}

// --- transitions -------------------------------------------------------------------

void LmdbIndex::CreateTransfer(const TransferRecord& transfer,
                           const std::optional<FileRecord>& message) {
    Write([&](lmdb::Txn& txn) {
        if (message)
            PutFileIn(txn, *message);
        PutTransferIn(txn, transfer);
    });
}

Index::AddFileResult LmdbIndex::AddFile(const FileRecord& file) {
    AddFileResult result = AddFileResult::added;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, file.transfer_id);
        if (!transfer) {
            result = AddFileResult::no_transfer;
            return;
        }
        if (transfer->status != TransferStatus::open) {
            result = AddFileResult::not_open;
            return;
        }
        if (transfer->reserved + file.size > transfer->max_size ||
            transfer->reserved + file.size < transfer->reserved) {
            result = AddFileResult::over_quota;
            return;
        }
        transfer->reserved += file.size;
        transfer->file_ids.push_back(file.id);
        PutFileIn(txn, file);
        PutTransferIn(txn, *transfer);
    });
    return result;
}

namespace {

/// One upload's commit against its transfer as read in this transaction
/// (`transfer` is updated in memory; the caller writes it back when stored).
Index::CommitResult CommitUploadTo(lmdb::Txn& txn, std::optional<TransferRecord>& transfer,
                                   const FileRecord& file, bool reserve_size,
                                   std::int64_t upload_deadline) {
    const bool member = transfer && std::find(transfer->file_ids.begin(), transfer->file_ids.end(),
                                              file.id) != transfer->file_ids.end();
    if (!transfer || transfer->status != TransferStatus::open || !member ||
        (!reserve_size && !ReadFile(txn, file.id)))
        return Index::CommitResult::gone;
    if (reserve_size) {
        if (transfer->reserved + file.size > transfer->max_size ||
            transfer->reserved + file.size < transfer->reserved)
            return Index::CommitResult::over_quota;
        transfer->reserved += file.size;
    }
    transfer->upload_deadline = std::max(transfer->upload_deadline, upload_deadline);
    PutFileIn(txn, file);
    return Index::CommitResult::stored;
}

} // namespace

Index::CommitResult LmdbIndex::CommitUpload(const FileRecord& file, bool reserve_size,
                                            std::int64_t upload_deadline) {
    CommitResult result = CommitResult::stored;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, file.transfer_id);
        result = CommitUploadTo(txn, transfer, file, reserve_size, upload_deadline);
        if (result == CommitResult::stored)
            PutTransferIn(txn, *transfer);
    });
    return result;
}

std::vector<Index::CommitResult> LmdbIndex::CommitUploads(std::span<const UploadCommit> commits) {
    std::vector<CommitResult> results;
    Write([&](lmdb::Txn& txn) {
        results.clear(); // (a retried body starts again)
        // Each transfer is read and written once per batch, however many of
        // its files are in it (its record lists every file).
        std::map<std::string, std::pair<std::optional<TransferRecord>, bool>, std::less<>>
            transfers;
        for (const auto& c : commits) {
            auto it = transfers.find(c.file.transfer_id);
            if (it == transfers.end())
                it = transfers
                         .emplace(c.file.transfer_id,
                                  std::make_pair(ReadTransfer(txn, c.file.transfer_id), false))
                         .first;
            auto& [transfer, changed] = it->second;
            results.push_back(
                CommitUploadTo(txn, transfer, c.file, c.reserve_size, c.upload_deadline));
            changed = changed || results.back() == CommitResult::stored;
        }
        for (const auto& [id, entry] : transfers)
            if (entry.second)
                PutTransferIn(txn, *entry.first);
    });
    return results;
}

void LmdbIndex::UpdateFileLayout(const FileRecord& file) {
    Write([&](lmdb::Txn& txn) {
        if (auto current = ReadFile(txn, file.id)) {
            current->chunks_offset = file.chunks_offset;
            PutFileIn(txn, *current);
        }
    });
}

void LmdbIndex::RemoveFile(const FileRecord& file) {
    Write([&](lmdb::Txn& txn) {
        if (auto transfer = ReadTransfer(txn, file.transfer_id)) {
            std::erase(transfer->file_ids, file.id);
            transfer->reserved -= std::min(transfer->reserved, file.size);
            PutTransferIn(txn, *transfer);
        }
        DeleteFileIn(txn, file.id);
    });
}

Index::SubmitResult LmdbIndex::Submit(std::string_view transfer_id, TransferRecord& out) {
    SubmitResult result = SubmitResult::submitted;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer) {
            result = SubmitResult::not_found;
            return;
        }
        if (transfer->status != TransferStatus::open) {
            result = SubmitResult::not_open;
            out = *transfer;
            return;
        }
        for (const auto& id : transfer->file_ids) {
            const auto file = ReadFile(txn, id);
            if (!file || !file->complete) {
                result = SubmitResult::incomplete;
                return;
            }
        }
        if (transfer->file_ids.empty() && transfer->message_file_id.empty()) {
            result = SubmitResult::empty;
            return;
        }
        transfer->unreported.push_back({std::string(kSubmitReport), transfer->status});
        transfer->status = TransferStatus::provided;
        transfer->upload_deadline = 0;
        PutTransferIn(txn, *transfer);
        out = *transfer;
    });
    return result;
}

std::optional<TransferRecord> LmdbIndex::MarkGone(std::string_view transfer_id,
                                                  TransferStatus status, std::string_view report,
                                                  bool only_if_open) {
    std::optional<TransferRecord> before;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status) ||
            (only_if_open && transfer->status != TransferStatus::open))
            return;
        before = *transfer;
        transfer->unreported.push_back({std::string(report), transfer->status});
        transfer->status = status;
        transfer->pending_attempts = 0;
        PutTransferIn(txn, *transfer);
    });
    return before;
}

bool LmdbIndex::Reported(std::string_view transfer_id, std::string_view event) {
    bool found = false;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer)
            return;
        auto& pending = transfer->unreported;
        const auto it = std::find_if(pending.begin(), pending.end(),
                                     [event](const PendingReport& r) { return r.event == event; });
        if (it == pending.end())
            return;
        pending.erase(it);
        PutTransferIn(txn, *transfer);
        found = true;
    });
    return found;
}

void LmdbIndex::DropFiles(const TransferRecord& gone) {
    Write([&](lmdb::Txn& txn) {
        // Re-read: a file added before the transition is in the stored list.
        const auto transfer = ReadTransfer(txn, gone.id);
        std::vector<std::string> ids = transfer ? transfer->file_ids : gone.file_ids;
        if (!gone.message_file_id.empty())
            ids.push_back(gone.message_file_id);
        for (const auto& id : ids)
            DeleteFileIn(txn, id);
    });
}

// --- password attempts --------------------------------------------------------------

Index::AttemptOutcome LmdbIndex::ReserveAttempt(std::string_view transfer_id, std::int64_t now,
                                            const AttemptPolicy& policy, TransferRecord& out) {
    AttemptOutcome outcome = AttemptOutcome::gone;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status)) {
            if (transfer)
                out = *transfer;
            return;
        }
        if (transfer->failed_attempts >= policy.delete_after) {
            // Only reachable after a crash between counting and deleting.
            out = *transfer;
            MarkDeletedIn(txn, *transfer);
            outcome = AttemptOutcome::deleted;
            return;
        }
        out = *transfer;
        // While locked, and while the attempts in flight could still reach
        // the lock or the deletion limit, nothing more is evaluated.
        if (transfer->locked_until > now) {
            outcome = AttemptOutcome::locked;
            return;
        }
        if (transfer->consecutive_failures + transfer->pending_attempts >= policy.lock_after ||
            transfer->failed_attempts + transfer->pending_attempts >= policy.delete_after) {
            outcome = AttemptOutcome::deferred;
            return;
        }
        ++transfer->pending_attempts;
        PutTransferIn(txn, *transfer);
        out = *transfer;
        outcome = AttemptOutcome::reserved;
    });
    return outcome;
}

void LmdbIndex::CancelAttempt(std::string_view transfer_id) {
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status) || transfer->pending_attempts == 0)
            return;
        --transfer->pending_attempts;
        PutTransferIn(txn, *transfer);
    });
}

Index::AttemptOutcome LmdbIndex::FinishAttempt(std::string_view transfer_id, bool success,
                                           std::int64_t now, const AttemptPolicy& policy,
                                           TransferRecord& out) {
    AttemptOutcome outcome = AttemptOutcome::gone;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status)) {
            if (transfer)
                out = *transfer;
            return;
        }
        if (transfer->pending_attempts > 0)
            --transfer->pending_attempts;
        if (success) {
            transfer->consecutive_failures = 0;
            outcome = AttemptOutcome::unlocked;
        } else {
            ++transfer->failed_attempts;
            ++transfer->consecutive_failures;
            outcome = AttemptOutcome::failed;
            if (transfer->consecutive_failures >= policy.lock_after) {
                transfer->consecutive_failures = 0;
                transfer->locked_until = now + policy.lock_seconds;
                outcome = AttemptOutcome::locked;
            }
            if (transfer->failed_attempts >= policy.delete_after) {
                out = *transfer; // as it was: the status before the deletion
                MarkDeletedIn(txn, *transfer);
                outcome = AttemptOutcome::deleted;
                return;
            }
        }
        PutTransferIn(txn, *transfer);
        out = *transfer;
    });
    return outcome;
}

std::vector<TransferRecord> LmdbIndex::SettleStaleAttempts(std::int64_t now,
                                                       const AttemptPolicy& policy) {
    std::vector<std::string> stale;
    ForEachTransfer([&](const TransferRecord& t) {
        if (IsLive(t.status) && (t.pending_attempts > 0 || t.failed_attempts >= policy.delete_after))
            stale.push_back(t.id);
    });
    std::vector<TransferRecord> deleted;
    for (const auto& id : stale) {
        Write([&](lmdb::Txn& txn) {
            auto t = ReadTransfer(txn, id);
            if (!t || !IsLive(t->status))
                return;
            t->failed_attempts += t->pending_attempts;
            t->consecutive_failures += t->pending_attempts;
            t->pending_attempts = 0;
            if (t->consecutive_failures >= policy.lock_after) {
                t->consecutive_failures = 0;
                t->locked_until = std::max(t->locked_until, now + policy.lock_seconds);
            }
            if (t->failed_attempts >= policy.delete_after) {
                deleted.push_back(*t);
                MarkDeletedIn(txn, *t);
                return;
            }
            PutTransferIn(txn, *t);
        });
    }
    return deleted;
}

std::optional<TransferRecord> LmdbIndex::ClearLock(std::string_view transfer_id) {
    std::optional<TransferRecord> result;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status))
            return;
        transfer->locked_until = 0;
        transfer->consecutive_failures = 0;
        PutTransferIn(txn, *transfer);
        result = std::move(transfer);
    });
    return result;
}

std::optional<TransferRecord> LmdbIndex::RecordDownload(std::string_view transfer_id,
                                                    std::string_view download_id,
                                                    std::int64_t now) {
    std::optional<TransferRecord> result;
    Write([&](lmdb::Txn& txn) {
        auto transfer = ReadTransfer(txn, transfer_id);
        if (!transfer || !IsLive(transfer->status))
            return;
        if (auto* recipient = transfer->FindRecipient(download_id)) {
            ++recipient->downloads;
            recipient->last_download_at = now;
        }
        PutTransferIn(txn, *transfer);
        result = std::move(transfer);
    });
    return result;
}

} // namespace sealpost::store
