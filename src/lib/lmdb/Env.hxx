// An open LMDB environment: one directory holding data.mdb and lock.mdb, with its
// named databases. sealpost opens one Env for its index at start and keeps it until exit;
// the Env owns the MDB_env handle (move-only) and closes it in its destructor, which must
// run after every Txn and Cursor of the environment is gone.
//
// Threads. The environment is opened with MDB_NOTLS, so a read transaction is not tied
// to the thread that began it: a read Txn may be created on one thread and used on a
// threadpool thread, as long as only one thread uses it at a time. At most one write
// transaction exists at a time in the whole environment; beginning a second one blocks
// until the first ends (and deadlocks if the same thread already holds one). A write
// Txn and its cursors must be used only by the thread that began it. Many read
// transactions may run alongside the writer; each sees the snapshot from its start.
// SetMapSize()/Grow() are the exception: they may run only while no transaction of this
// Env is live in this process (LMDB remaps the file), so the owner must quiesce readers
// first or choose a generous map size up front.
#pragma once

#include <cstddef>
#include <filesystem>

struct MDB_env;

namespace sealpost::lmdb {

struct EnvOptions {
    /// Upper bound of the database size; address space only, the file grows as needed.
    std::size_t map_size = std::size_t{1} << 30;
    /// Named databases the environment may hold (the Schema's "meta" counts).
    unsigned max_dbs = 16;
    /// Concurrent read transactions, across all threads and processes.
    unsigned max_readers = 126;
    /// kEnv* flags from Flags.hxx; MDB_NOTLS is always added.
    unsigned flags = 0;
    /// Permissions of newly created files.
    unsigned file_mode = 0600;
};

class Env {
    MDB_env* env_ = nullptr;

public:
    /// Opens (creating it and its directory if needed) the environment in dir.
    /// Reader slots left behind by dead processes are released.
    /// Throws lmdb::Error or std::filesystem::filesystem_error.
    explicit Env(const std::filesystem::path& dir, const EnvOptions& options = {});

    Env(Env&& other) noexcept : env_(other.env_) { other.env_ = nullptr; }
    Env& operator=(Env&& other) noexcept;
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;
    ~Env();

    MDB_env* Handle() const noexcept { return env_; }

    /// The current map size in bytes.
    std::size_t MapSize() const;

    /// Sets the map size; 0 adopts the size another process has set. Only while no
    /// transaction of this Env is live in this process.
    void SetMapSize(std::size_t bytes);

    /// Doubles the map size (at least to min_bytes) after a MapFullError, and returns the
    /// new size. The failed write transaction must have been aborted first; the same
    /// restriction as SetMapSize() applies.
    std::size_t Grow(std::size_t min_bytes = 0);

    /// Flushes to disk; needed only with kEnvNoSync or kEnvNoMetaSync.
    void Sync(bool force = true);

    /// Writes a compacted copy (live pages only: no freed page keeps an old
    /// record) as data.mdb into the existing, empty directory `dir`.
    void CopyCompact(const std::filesystem::path& dir) const;

    /// The largest key (and kDbDupSort value) this build of LMDB accepts.
    std::size_t MaxKeySize() const noexcept;
};

} // namespace sealpost::lmdb
