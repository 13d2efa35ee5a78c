// Encrypted storage of transfers: the owner of the LMDB index, the blob files,
// the destroyable wrap files and the server key, and the one place where a
// transfer changes state. One class, split across files by job, each named
// after it:
//   Storage.cxx           construction, creating and submitting transfers
//   StorageUploads.cxx    the registry of open upload sessions (tus, PUT)
//   Rekey.cxx             re-keying a partial blob before an upload resumes
//   PasswordAttempts.cxx  counted password attempts and the Argon2id queue
//   Teardown.cxx          crypto-shredding: the one way a transfer is deleted
//   Expiry.cxx            the expiry timer and the start-up sweep
// It knows nothing of HTTP: results are store::Outcome values that the routes
// map to statuses.
//
// Lives on the loop thread and is owned by the App. Every disk write, LMDB
// write and Argon2id run happens on the threadpool; completions come
// back on the loop thread through callbacks. Blocking methods are marked and
// are for start-up, the command line, tests and the bench tools.
#pragma once

#include "age/AgeIdentity.hxx"
#include "store/AccessGrants.hxx"
#include "store/BlobStore.hxx"
#include "store/Index.hxx"
#include "store/LmdbIndex.hxx"
#include "store/KdfQueue.hxx"
#include "store/Outcome.hxx"
#include "store/QuickKeys.hxx"
#include "store/UploadSession.hxx"
#include "store/WrapFiles.hxx"

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
    /// Abandoned uploads (files and open transfers without upload progress).
    std::int64_t upload_expiry_seconds = 24 * 3600;
    unsigned max_parallel_kdf = 2;
    /// Argon2id runs waiting beyond the running ones; more are refused (busy).
    std::size_t max_queued_kdf = 64;
    /// Segment buffers (1 MiB of plaintext each) shared by all uploads in
    /// progress: the bound on the memory request bodies take, whatever their
    /// number.
    std::size_t upload_buffers = 24;
    AttemptPolicy attempts;
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
    /// password_mode quick: the sending browser. Each recipient gets W_q[B]
    /// under the shared key it uses (QuickKeys::KeyForSending); those not yet
    /// connected also get the invitation W_inv[B] under the password's KEK.
    /// `password` may then be empty when every recipient is connected.
    std::shared_ptr<const QuickBrowser> quick_browser;
};

/// CreateTransfer with QUICK: some recipient needs an invitation and the
/// request carries no password (the connection changed since it was checked).
struct QuickPasswordNeeded : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using Identity = std::shared_ptr<const age::AgeIdentity>;

/// Why a transfer is deleted; decides its status, audit event and notices.
enum class DeletionReason {
    revoked,   ///< by its sender → revoked
    expired,   ///< retention over → expired
    abandoned, ///< open and never submitted, no upload progress → expired
    attempts,  ///< too many wrong passwords → deleted
    admin,     ///< by an administrator → deleted
};
TransferStatus StatusAfter(DeletionReason reason) noexcept;
/// The reason's name as a pending report ("revoked", "expired", …).
std::string_view ToString(DeletionReason reason) noexcept;
/// The reason named by a pending report; nullopt for "provided" or an unknown name.
std::optional<DeletionReason> DeletionReasonFrom(std::string_view name) noexcept;

/// Who caused a deletion, for the audit event (empty for the timer).
struct Actor {
    std::string email;
    std::string ip;
    std::string user_agent;
    nlohmann::json detail = nlohmann::json::object();
};

/// A file's confidential details, opened with the transfer's identity.
struct FileDetails {
    std::string name;
    std::string type;
    std::string sha256; ///< hex; empty for the message (which keeps no digest)
    std::uint32_t crc32 = 0;
};

class Storage {
public:
    Storage(uv_loop_s* loop, StorageOptions options);
    ~Storage();

    /// Reads of the index (any thread). Writes go through the methods below.
    const Index& index() const noexcept { return *index_; }
    /// The environment that other modules keep their named databases in
    /// (LmdbLmdbIndex::kSenderDatabases); this Storage owns it.
    lmdb::Env& shared_env() noexcept { return index_->env(); }
    AccessGrants& grants() noexcept { return grants_; }
    const WrapFiles& wraps() const noexcept { return wraps_; }
    /// The QUICK shared keys held by browsers, and activation codes.
    QuickKeys& quick() noexcept { return quick_; }
    const QuickKeys& quick() const noexcept { return quick_; }
    const BlobStore& blobs() const noexcept { return *blobs_; }
    /// The buffers request bodies are read into (loop thread).
    const SegmentPool& upload_buffers() const noexcept { return *segment_pool_; }
    const StorageOptions& options() const noexcept { return options_; }
    /// The server key (data_dir/keys/server.key), loaded once for the whole process.
    const crypto::ServerKey& server_key() const noexcept { return *server_key_; }
    /// Argon2id runs running and waiting (for /metrics).
    std::size_t KdfDepth() const noexcept { return kdf_.Depth(); }

    /// Reports again what a crash left unreported (on_unreported), finishes
    /// deletions a crash interrupted, removes overdue transfers and
    /// uploads, sweeps orphaned blob and wrap files, and arms the expiry
    /// timer. Blocking; call once at start, after the hooks are set.
    void Start();
    /// Stops the expiry timer (shutdown).
    void Stop();

    // --- transfers (Storage.cxx) ------------------------------------------------
    /// Opens a transfer (Argon2id for W_pw, the message sealed). Blocking.
    TransferRecord CreateTransfer(const NewTransfer& request);
    struct Submitted {
        Outcome outcome = Outcome::failed;
        TransferRecord transfer; ///< after the submit (or as it is, when refused)
        /// sk_T, opened through W_up just before the submit destroyed it, so
        /// that the notification can name the files; null when refused.
        Identity identity;
    };
    /// open → provided (every file complete), with the pending report
    /// "provided": W_up stays until Reported() (the notices name the files, and
    /// a restart after a crash renders them again from it).
    void SubmitTransfer(const std::string& transfer_id, std::function<void(Submitted)> done);
    /// The blocking form (tests, bench tools, nobody notified): destroys W_up
    /// at once and clears the report unless `keep_upload_wrap`.
    Submitted SubmitTransferNow(const std::string& transfer_id, bool keep_upload_wrap = false);

    // --- reports of state changes (Storage.cxx) ----------------------------------------
    /// The audit record and every notice of `event` (a PendingReport) are
    /// durable: the pending report is removed and, for "provided", W_up is
    /// destroyed. `done` on the loop thread (false: the index write failed; the
    /// report stays pending and is made again at the next start).
    void Reported(const std::string& transfer_id, std::string event,
                  std::function<void(bool)> done = {});
    /// The blocking form (command line).
    void ReportedNow(const std::string& transfer_id, std::string_view event);
    /// sk_T through W_up (the server key), while the upload wrap exists;
    /// null otherwise. Blocking.
    Identity UploadIdentity(const std::string& transfer_id) const;
    /// Called by Start(), before anything else, for each report a crash left
    /// pending (oldest first), with the record as it is now; the callee
    /// reports it again (without repeating what is already stored) and calls
    /// Reported().
    std::function<void(const TransferRecord&, const PendingReport&)> on_unreported;

    /// Counts one retrieval by the recipient with this download id. Blocking
    /// (threadpool); nullopt when the transfer is gone.
    std::optional<TransferRecord> RecordDownloadNow(const std::string& transfer_id,
                                                    const std::string& download_id,
                                                    std::int64_t now);
    /// sk_T through W_q[B] of the recipient with the shared key `browser`
    /// holds for that recipient and the sender; null when it holds none (or
    /// the transfer has no W_q for this recipient). Reads small files: any
    /// thread.
    Identity OpenWithQuick(const TransferRecord& transfer, const RecipientRecord& recipient,
                           const QuickBrowser& browser) const;
    /// An administrator's unlock: clears the lock and the consecutive count.
    /// Blocking (threadpool); nullopt when the transfer is gone.
    std::optional<TransferRecord> ClearLockNow(const std::string& transfer_id);

    // --- uploads (StorageUploads.cxx) ---------------------------------------------
    struct FileCreated {
        Outcome outcome = Outcome::failed;
        std::optional<FileRecord> file;
        std::string sha256; ///< hex, when the file is complete at once (empty)
    };
    using FileCallback = std::function<void(FileCreated)>;
    /// Reserves `size` bytes of the transfer's quota and creates the blob.
    /// `open_ended`: the size is unknown until the body ends (size must be 0).
    void CreateFile(const std::string& transfer_id, std::uint64_t size, std::string name,
                    std::string type, FileCallback done, bool open_ended = false);
    using SessionCallback = std::function<void(std::shared_ptr<UploadSession>, Outcome)>;
    /// The upload session of an incomplete file, loading it after a restart
    /// (which rebuilds the hashes of the stored prefix from the blob) or after
    /// a request that wrote chunks it could not make durable; then the blob is
    /// first re-keyed (Rekey.cxx) so that no chunk index is ever sealed twice
    /// under one key. One load per file at a time.
    void WithSession(const FileRecord& file, SessionCallback done);
    /// tus termination: removes an incomplete file and frees its quota.
    void TerminateFile(const FileRecord& file, std::function<void(Outcome)> done);

    // --- password attempts (PasswordAttempts.cxx) -----------------------------------
    struct AttemptResult {
        Index::AttemptOutcome outcome = Index::AttemptOutcome::gone;
        Identity identity;       ///< set when unlocked
        TransferRecord transfer; ///< counters after this attempt
        bool busy = false;       ///< refused before evaluation: the Argon2id queue is full
        bool evaluated = false;  ///< Argon2id ran and the result was counted
        /// SK{A,B} opened from the invitation W_inv[B] with the same KEK, when
        /// asked for (`invitation_of`) and the password was right.
        std::shared_ptr<const crypto::SymmetricKey> invitation_key;
    };
    /// A counted password attempt (every route that takes a password uses
    /// this): reserved in one write transaction before Argon2id runs
    /// (refused while locked), settled in another; the failure that reaches
    /// the deletion limit marks the transfer deleted in that transaction and
    /// crypto-shreds it (DeleteTransfer's teardown, `actor` in its audit
    /// event) before `done` runs.
    /// `invitation_of`: a recipient's download id whose W_inv[B] the same
    /// KEK should open too (QUICK activation).
    void AttemptPassword(const TransferRecord& transfer, std::string password, Actor actor,
                         std::function<void(AttemptResult)> done,
                         std::string invitation_of = {});
    /// Runs another Argon2id job (an administrator's password) within the
    /// same bounded queue; false (nothing runs) when the queue is full.
    bool RunKdf(std::function<void()> job, std::function<void()> done) {
        return kdf_.Run(std::move(job), std::move(done));
    }
    /// A file's name, type and digests (sealed in the index).
    std::optional<FileDetails> OpenFile(const FileRecord& file, const age::AgeIdentity& id) const;

    // --- deletion (Teardown.cxx) ----------------------------------------------------
    /// The one way a transfer is deleted, whatever the reason: the state
    /// change (one transaction; nothing happens when it is already gone),
    /// then its wraps are destroyed, then its access grants, its blobs and
    /// its file records, and last `on_deleted` (audit event, notices).
    /// `done(true)` when this call deleted it.
    void DeleteTransfer(const std::string& transfer_id, DeletionReason reason, Actor actor,
                        std::function<void(bool)> done = {});
    /// The blocking form (command line); `on_deleted` runs before it returns.
    bool DeleteTransferNow(const std::string& transfer_id, DeletionReason reason, Actor actor);

    /// Called on the loop thread (or in the blocking forms, on the caller's)
    /// after a transfer was torn down, with the record as it was before.
    std::function<void(const TransferRecord&, DeletionReason, const Actor&)> on_deleted;
    /// Called on the loop thread with each uploaded file once it is complete
    /// and durable (the audit log's file_uploaded).
    std::function<void(const FileRecord&)> on_file_complete;

    // --- expiry (Expiry.cxx) ----------------------------------------------------------
    /// Re-arms the expiry timer to the earliest expiry in the index.
    void ArmExpiry();

private:
    void OnExpiry();
    /// Steps after the state change, blocking (threadpool or start-up).
    void Teardown(const TransferRecord& gone);
    void ForgetSessions(const TransferRecord& transfer);
    std::shared_ptr<UploadSession> NewSession(const FileRecord& file, age::PayloadKey key,
                                              UniqueFd fd, std::unique_ptr<FileHashes> hashes);

    uv_loop_s* loop_;
    StorageOptions options_;
    std::unique_ptr<crypto::ServerKey> server_key_;
    WrapFiles wraps_;
    std::unique_ptr<LmdbIndex> index_;
    std::unique_ptr<const BlobStore> blobs_;
    AccessGrants grants_;
    QuickKeys quick_;
    KdfQueue kdf_;
    std::shared_ptr<SegmentPool> segment_pool_;
    std::shared_ptr<UploadCommits> upload_commits_;
    // Password attempts (PasswordAttempts.cxx, loop thread): those waiting
    // for one in flight on the same transfer to settle (the reservation said
    // deferred), and how many are in flight per transfer.
    struct PasswordAttempt;
    void ReserveAttempt(std::shared_ptr<PasswordAttempt> attempt);
    void EvaluateAttempt(std::shared_ptr<PasswordAttempt> attempt);
    void FinishAttempt(std::shared_ptr<PasswordAttempt> attempt);
    void RetryWaiting(const std::string& transfer_id);
    std::map<std::string, std::deque<std::function<void()>>, std::less<>> waiting_attempts_;
    std::map<std::string, std::size_t, std::less<>> attempts_in_flight_;
    std::unique_ptr<uv::Timer> attempt_retry_;
    std::map<std::string, std::shared_ptr<UploadSession>, std::less<>> sessions_;
    std::map<std::string, std::vector<SessionCallback>, std::less<>> loading_;
    std::unique_ptr<uv::Timer> expiry_timer_;
};

} // namespace sealpost::store
