// The metadata index: one LMDB environment (data/index/) with named databases
//   transfers  transfer id → TransferRecord
//   files      file id → FileRecord
//   downloads  download id → transfer id
//   expiry     be64(time) 't' transfer id | be64(time) 'u' file id → ""
// Reads open a short read transaction and may run on any thread (the loop
// thread included: they never wait on I/O beyond the page cache). Writes wait
// for the disk and must run off the loop thread (libuv threadpool); LMDB lets
// one writer in at a time. Owned by Storage.
#pragma once

#include "lib/lmdb/Env.hxx"
#include "store/Records.hxx"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sealpost::store {

struct ExpiryEntry {
    std::int64_t time = 0;
    bool is_upload = false; ///< true: an abandoned upload (file id); false: a transfer
    std::string id;
};

class Index {
public:
    static constexpr std::uint64_t kSchemaVersion = 2;
    /// Named databases of the sender side, kept in this environment and
    /// used by their own modules through env(): browser clients, pending
    /// verification codes, API tokens, recipients' access grants.
    static constexpr const char* kSenderDatabases[] = {"clients", "verifications", "tokens",
                                                        "access"};

    explicit Index(const std::filesystem::path& dir);

    // Reads.
    std::optional<TransferRecord> GetTransfer(std::string_view id);
    std::optional<FileRecord> GetFile(std::string_view id);
    std::optional<std::string> TransferOfDownload(std::string_view download_id);
    std::optional<ExpiryEntry> EarliestExpiry();
    std::vector<ExpiryEntry> DueExpiries(std::int64_t now);
    void ForEachFile(const std::function<void(const FileRecord&)>& visit);
    void ForEachTransfer(const std::function<void(const TransferRecord&)>& visit);

    // Writes (off the loop thread).
    void PutTransfer(const TransferRecord& record);
    void PutFile(const FileRecord& record);
    /// Writes the file and its transfer in one transaction.
    void PutFileAndTransfer(const FileRecord& file, const TransferRecord& transfer);
    void DeleteFile(std::string_view id);
    enum class AddFileResult { added, no_transfer, not_open, over_quota };
    /// Adds a new file to its open transfer and reserves its size, atomically.
    AddFileResult AddFile(const FileRecord& file);
    /// Stores a file whose size became known only at its end, reserving that
    /// size in its transfer; false (nothing written) when over the limit.
    bool ReserveAndPutFile(const FileRecord& file);
    /// Removes a file from its transfer (quota released) and deletes its record.
    void RemoveFile(const FileRecord& file);

    struct AttemptPolicy {
        std::uint32_t lock_after = 3;
        std::int64_t lock_seconds = 3600;
        std::uint32_t delete_after = 10;
    };
    enum class AttemptOutcome { unlocked, failed, locked, delete_now, gone };
    /// Records one password attempt on a transfer, atomically: a success
    /// resets the consecutive count; a failure counts, locks the transfer after
    /// `lock_after` consecutive failures and asks for deletion after
    /// `delete_after` in total. The updated record is returned through `out`.
    AttemptOutcome RecordAttempt(std::string_view transfer_id, bool success, std::int64_t now,
                                 const AttemptPolicy& policy, TransferRecord& out);

    /// An administrator's unlock: clears the lock and the consecutive count;
    /// the transfer after it, or nullopt when it is gone.
    std::optional<TransferRecord> ClearLock(std::string_view transfer_id);
    /// Counts one retrieval by the recipient with this download id.
    std::optional<TransferRecord> RecordDownload(std::string_view transfer_id,
                                                 std::string_view download_id, std::int64_t now);

    /// The environment, for modules that keep their own named databases in
    /// it (kSenderDatabases). Writes off the loop thread, as above.
    lmdb::Env& env() noexcept { return env_; }

private:
    template <typename F> void Write(F&& body);

    lmdb::Env env_;
};

} // namespace sealpost::store
