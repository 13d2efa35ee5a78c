// Encrypted storage of transfers: the LMDB index, the blob files, the server
// key, open upload sessions, password unlocking, downloads and expiry.
//
// Lives on the loop thread and is owned by the App. Every disk write, LMDB
// write and Argon2id run happens on the libuv threadpool; completions come
// back on the loop thread through callbacks. Blocking methods are marked and
// are for start-up, the command line and tests.
#pragma once

#include "age/AgeIdentity.hxx"
#include "http/Body.hxx"
#include "store/BlobStore.hxx"
#include "store/Index.hxx"
#include "store/UploadSession.hxx"

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

struct uv_loop_s;

namespace sealpost::crypto {
class ServerKey;
}
namespace sealpost::uv {
class Timer;
}

namespace sealpost::store {

struct StorageOptions {
    std::filesystem::path data_dir = "./data";
    std::uint64_t max_transfer_size = std::uint64_t{100} << 30;
    std::uint64_t min_free_disk = std::uint64_t{1} << 30;
    std::uint64_t kdf_opslimit = 2;
    std::uint64_t kdf_memlimit = std::uint64_t{64} << 20;
    std::int64_t upload_expiry_seconds = 24 * 3600; ///< abandoned uploads
    unsigned max_parallel_kdf = 2;
    Index::AttemptPolicy attempts; ///< security.lock_after / lock_minutes / delete_after
};

/// What the internal interface needs to open a transfer (the transfer API
/// builds on it).
struct NewTransfer {
    std::string sender;
    std::vector<std::pair<std::string, std::string>> recipients; ///< (email, to|cc|bcc)
    std::int64_t retention_seconds = 10 * 86400;
    std::string password;
    std::optional<std::string> message;
    std::uint64_t max_size = 0; ///< 0 = the configured maximum
    nlohmann::json options = nlohmann::json::object();
};

using Identity = std::shared_ptr<const age::AgeIdentity>;

class Storage {
public:
    Storage(uv_loop_s* loop, StorageOptions options);
    ~Storage();

    Index& index() noexcept { return *index_; }
    const BlobStore& blobs() const noexcept { return blobs_; }
    const StorageOptions& options() const noexcept { return options_; }
    /// The server key (data_dir/keys/server.key), loaded once for the whole process.
    const crypto::ServerKey& server_key() const noexcept { return *server_key_; }

    /// Removes overdue transfers and uploads, sweeps orphaned blob files, and
    /// arms the expiry timer. Blocking; call once at start.
    void Start();
    /// Stops the expiry timer (shutdown).
    void Stop();

    // --- internal interface (blocking: Argon2id and writes) -----------------
    TransferRecord CreateTransfer(const NewTransfer& request);
    /// Marks an open transfer provided: every file must be complete; W_up is destroyed.
    TransferRecord SubmitTransfer(const std::string& transfer_id);

    // --- uploads (loop thread) ----------------------------------------------
    struct FileCallbackResult {
        int status = 201; ///< 201, or an HTTP error status
        std::string detail;
        std::optional<FileRecord> file;
    };
    using FileCallback = std::function<void(FileCallbackResult)>;
    /// Reserves `size` bytes of the transfer's quota and creates the blob.
    /// `open_ended`: the size is unknown until the body ends (size must be 0).
    void CreateFile(const std::string& transfer_id, std::uint64_t size, std::string name,
                    std::string type, FileCallback done, bool open_ended = false);
    using SessionCallback =
        std::function<void(std::shared_ptr<UploadSession>, int status, std::string detail)>;
    /// The upload session of an incomplete file, loading it after a restart
    /// (which rebuilds the hashes of the stored prefix from the blob) or after
    /// a request that wrote chunks it could not make durable; then the blob is
    /// first re-keyed (fresh file key and payload nonce, the durable prefix
    /// re-encrypted on the threadpool) so that no chunk index is ever sealed
    /// twice under one key. One load per file at a time.
    void WithSession(const FileRecord& file, SessionCallback done);
    /// tus termination: removes an incomplete file and frees its quota.
    void TerminateFile(const FileRecord& file, std::function<void(int status)> done);

    // --- downloads (loop thread) ----------------------------------------------
    /// Opens W_pw with the password (Argon2id on the threadpool, bounded
    /// concurrency); the identity, or null for a wrong password.
    void UnlockWithPassword(const TransferRecord& transfer, std::string password,
                            std::function<void(Identity)> done);

    struct AttemptResult {
        Index::AttemptOutcome outcome;
        Identity identity;       ///< set when unlocked
        TransferRecord transfer; ///< counters after this attempt
    };
    /// A counted password attempt (every route that takes a password uses
    /// this): refused without Argon2id while the transfer is locked; a failure
    /// is recorded atomically; the failure that reaches the deletion limit
    /// crypto-shreds the transfer before `done` runs.
    void AttemptPassword(const TransferRecord& transfer, std::string password,
                         std::function<void(AttemptResult)> done);
    /// The file's name and content type (sealed in the index).
    std::optional<std::pair<std::string, std::string>> FileMetadata(const FileRecord& file,
                                                                    const age::AgeIdentity& id);

    // --- deletion -------------------------------------------------------------
    /// Crypto-shreds a transfer: its wraps are erased from the index first,
    /// then its blobs are unlinked. `status` is revoked, expired or deleted.
    void DeleteTransfer(const std::string& transfer_id, TransferStatus status,
                        std::function<void()> done = {});
    /// The blocking form (start-up, command line).
    void DeleteTransferNow(const std::string& transfer_id, TransferStatus status);

    /// Re-arms the expiry timer to the earliest expiry in the index.
    void ArmExpiry();

    /// Called on the loop thread with each transfer that expires — by the
    /// timer, or in Start() when it expired while the service was down —
    /// just before it is crypto-shredded (expiry notices, the audit log).
    std::function<void(const TransferRecord&)> on_expired;
    /// Called on the loop thread with each uploaded file once it is complete
    /// and durable (the audit log's file_uploaded).
    std::function<void(const FileRecord&)> on_file_complete;

    /// Runs an Argon2id job on the threadpool within the bounded KDF
    /// concurrency (max_parallel_kdf); `done` runs on the loop thread.
    void RunKdf(std::function<void()> job, std::function<void()> done);

private:
    void OnExpiry();
    void ReleaseKdf();

    uv_loop_s* loop_;
    StorageOptions options_;
    std::unique_ptr<Index> index_;
    BlobStore blobs_;
    std::unique_ptr<crypto::ServerKey> server_key_;
    std::map<std::string, std::shared_ptr<UploadSession>, std::less<>> sessions_;
    std::map<std::string, std::vector<SessionCallback>, std::less<>> loading_;
    std::unique_ptr<uv::Timer> expiry_timer_;
    unsigned kdf_running_ = 0;
    std::deque<std::pair<std::function<void()>, std::function<void()>>> kdf_queue_;
};

} // namespace sealpost::store
