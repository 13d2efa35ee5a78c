#include "store/Index.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Error.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include <array>

namespace sealpost::store {
namespace {

constexpr const char* kTransfers = "transfers";
constexpr const char* kFiles = "files";
constexpr const char* kDownloads = "downloads";
constexpr const char* kExpiry = "expiry";

lmdb::EnvOptions IndexOptions() {
    lmdb::EnvOptions options;
    // Address space only (the file grows as used). Large enough that the map
    // never needs resizing, which LMDB allows only with no transaction open
    // anywhere in the process.
    options.map_size = std::size_t{64} << 30;
    options.max_dbs = 16;
    return options;
}

std::string ExpiryKey(std::int64_t time, char kind, std::string_view id) {
    std::string key = lmdb::EncodeU64(static_cast<std::uint64_t>(time));
    key += kind;
    key += id;
    return key;
}

std::optional<ExpiryEntry> ParseExpiryKey(std::string_view key) {
    if (key.size() < 10)
        return std::nullopt;
    const auto time = lmdb::DecodeU64(key.substr(0, 8));
    if (!time)
        return std::nullopt;
    return ExpiryEntry{static_cast<std::int64_t>(*time), key[8] == 'u', std::string(key.substr(9))};
}

bool HasExpiry(const TransferRecord& r) {
    return r.status == TransferStatus::open || r.status == TransferStatus::provided;
}

bool HasUploadExpiry(const FileRecord& r) {
    return !r.complete && r.upload_expires_at > 0;
}

lmdb::Migration CreateDatabases() {
    return [](lmdb::Txn& txn) {
        for (const char* name : {kTransfers, kFiles, kDownloads, kExpiry})
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    };
}

/// Version 2: the sender side (browser clients, verification codes, API
/// tokens) and recipients' access grants live beside the transfers.
lmdb::Migration CreateSenderDatabases() {
    return [](lmdb::Txn& txn) {
        for (const char* name : Index::kSenderDatabases)
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    };
}

} // namespace

Index::Index(const std::filesystem::path& dir)
    : env_([&] {
          std::filesystem::create_directories(dir);
          const std::array<lmdb::Migration, 2> migrations{CreateDatabases(),
                                                          CreateSenderDatabases()};
          return lmdb::OpenIndex(dir, kSchemaVersion, migrations, IndexOptions());
      }()) {}

template <typename F> void Index::Write(F&& body) {
    auto txn = lmdb::Txn::BeginWrite(env_);
    body(txn);
    txn.Commit();
}

std::optional<TransferRecord> Index::GetTransfer(std::string_view id) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, id);
    return value ? ParseTransfer(*value) : std::nullopt;
}

std::optional<FileRecord> Index::GetFile(std::string_view id) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kFiles).Get(txn, id);
    return value ? ParseFile(*value) : std::nullopt;
}

std::optional<std::string> Index::TransferOfDownload(std::string_view download_id) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto value = lmdb::Dbi::Open(txn, kDownloads).Get(txn, download_id);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

std::optional<ExpiryEntry> Index::EarliestExpiry() {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kExpiry);
    lmdb::Cursor cursor(txn, dbi);
    const auto first = cursor.First();
    return first ? ParseExpiryKey(first->key) : std::nullopt;
}

std::vector<ExpiryEntry> Index::DueExpiries(std::int64_t now) {
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

void Index::ForEachFile(const std::function<void(const FileRecord&)>& visit) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kFiles);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next())
        if (auto record = ParseFile(e->value))
            visit(*record);
}

void Index::ForEachTransfer(const std::function<void(const TransferRecord&)>& visit) {
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kTransfers);
    lmdb::Cursor cursor(txn, dbi);
    for (auto e = cursor.First(); e; e = cursor.Next())
        if (auto record = ParseTransfer(e->value))
            visit(*record);
}

namespace {

void PutTransferIn(lmdb::Txn& txn, const TransferRecord& record) {
    const auto transfers = lmdb::Dbi::Open(txn, kTransfers);
    const auto expiry = lmdb::Dbi::Open(txn, kExpiry);
    const auto downloads = lmdb::Dbi::Open(txn, kDownloads);
    if (const auto old_value = transfers.Get(txn, record.id))
        if (const auto old = ParseTransfer(*old_value))
            expiry.Del(txn, ExpiryKey(old->expires_at, 't', old->id));
    if (HasExpiry(record))
        expiry.Put(txn, ExpiryKey(record.expires_at, 't', record.id), "");
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
            expiry.Del(txn, ExpiryKey(old->upload_expires_at, 'u', old->id));
    if (HasUploadExpiry(record))
        expiry.Put(txn, ExpiryKey(record.upload_expires_at, 'u', record.id), "");
    files.Put(txn, record.id, Serialize(record));
}

} // namespace

void Index::PutTransfer(const TransferRecord& record) {
    Write([&](lmdb::Txn& txn) { PutTransferIn(txn, record); });
}

void Index::PutFile(const FileRecord& record) {
    Write([&](lmdb::Txn& txn) { PutFileIn(txn, record); });
}

void Index::PutFileAndTransfer(const FileRecord& file, const TransferRecord& transfer) {
    Write([&](lmdb::Txn& txn) {
        PutFileIn(txn, file);
        PutTransferIn(txn, transfer);
    });
}

void Index::DeleteFile(std::string_view id) {
    Write([&](lmdb::Txn& txn) {
        const auto files = lmdb::Dbi::Open(txn, kFiles);
        if (const auto old_value = files.Get(txn, id))
            if (const auto old = ParseFile(*old_value); old && HasUploadExpiry(*old))
                lmdb::Dbi::Open(txn, kExpiry).Del(txn, ExpiryKey(old->upload_expires_at, 'u', id));
        files.Del(txn, id);
    });
}

Index::AddFileResult Index::AddFile(const FileRecord& file) {
    AddFileResult result = AddFileResult::added;
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, file.transfer_id);
        auto transfer = value ? ParseTransfer(*value) : std::nullopt;
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

bool Index::ReserveAndPutFile(const FileRecord& file) {
    bool ok = false;
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, file.transfer_id);
        auto transfer = value ? ParseTransfer(*value) : std::nullopt;
        if (!transfer || transfer->reserved + file.size > transfer->max_size)
            return;
        transfer->reserved += file.size;
        PutFileIn(txn, file);
        PutTransferIn(txn, *transfer);
        ok = true;
    });
    return ok;
}

void Index::RemoveFile(const FileRecord& file) {
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, file.transfer_id);
        if (auto transfer = value ? ParseTransfer(*value) : std::nullopt) {
            std::erase(transfer->file_ids, file.id);
            transfer->reserved -= std::min(transfer->reserved, file.size);
            PutTransferIn(txn, *transfer);
        }
        const auto files = lmdb::Dbi::Open(txn, kFiles);
        if (const auto old_value = files.Get(txn, file.id))
            if (const auto old = ParseFile(*old_value); old && HasUploadExpiry(*old))
                lmdb::Dbi::Open(txn, kExpiry)
                    .Del(txn, ExpiryKey(old->upload_expires_at, 'u', file.id));
        files.Del(txn, file.id);
    });
}

Index::AttemptOutcome Index::RecordAttempt(std::string_view transfer_id, bool success,
                                           std::int64_t now, const AttemptPolicy& policy,
                                           TransferRecord& out) {
    AttemptOutcome outcome = AttemptOutcome::gone;
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, transfer_id);
        auto transfer = value ? ParseTransfer(*value) : std::nullopt;
        if (!transfer || !HasExpiry(*transfer))
            return;
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
            if (transfer->failed_attempts >= policy.delete_after)
                outcome = AttemptOutcome::delete_now;
        }
        PutTransferIn(txn, *transfer);
        out = *transfer;
    });
    return outcome;
}

std::optional<TransferRecord> Index::ClearLock(std::string_view transfer_id) {
    std::optional<TransferRecord> result;
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, transfer_id);
        auto transfer = value ? ParseTransfer(*value) : std::nullopt;
        if (!transfer || !HasExpiry(*transfer))
            return;
        transfer->locked_until = 0;
        transfer->consecutive_failures = 0;
        PutTransferIn(txn, *transfer);
        result = std::move(transfer);
    });
    return result;
}

std::optional<TransferRecord> Index::RecordDownload(std::string_view transfer_id,
                                                    std::string_view download_id,
                                                    std::int64_t now) {
    std::optional<TransferRecord> result;
    Write([&](lmdb::Txn& txn) {
        const auto value = lmdb::Dbi::Open(txn, kTransfers).Get(txn, transfer_id);
        auto transfer = value ? ParseTransfer(*value) : std::nullopt;
        if (!transfer || !HasExpiry(*transfer))
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
