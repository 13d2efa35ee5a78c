// One LMDB transaction, read-only or read-write, owned by whoever began it (move-only).
// A Txn that is destroyed without Commit() is aborted, so an exception between Begin and
// Commit discards every write. Data returned by Dbi::Get and Cursor points into the map
// and stays valid only until the transaction ends.
//
// Threads: a read Txn may move between threads (the Env uses MDB_NOTLS) but is used by
// one thread at a time; a write Txn stays on the thread that began it, and only one
// write Txn exists per environment at a time (see Env.hxx).
//
// LMDB frees a write transaction's cursors when it ends; a write Txn therefore shares a
// flag with its Cursors that says whether it is still live, so a Cursor destroyed after
// Commit() does not close its handle a second time.
#pragma once

#include <memory>

struct MDB_txn;

namespace sealpost::lmdb {

class Env;

class Txn {
    MDB_txn* txn_ = nullptr;
    bool read_only_ = true;
    /// Write transactions: true until Commit() or Abort() (shared with its Cursors).
    std::shared_ptr<bool> write_live_;

    Txn(MDB_txn* txn, bool read_only, std::shared_ptr<bool> write_live) noexcept
        : txn_(txn), read_only_(read_only), write_live_(std::move(write_live)) {}
    void End() noexcept;
    friend class Cursor;

public:
    /// A snapshot for reading. Throws ReadersFullError when every reader slot is taken.
    static Txn BeginRead(Env& env);

    /// The environment's single writer; blocks while another write Txn is live.
    static Txn BeginWrite(Env& env);

    Txn(Txn&& other) noexcept
        : txn_(other.txn_), read_only_(other.read_only_),
          write_live_(std::move(other.write_live_)) {
        other.txn_ = nullptr;
    }
    Txn& operator=(Txn&& other) noexcept;
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    ~Txn() { Abort(); }

    /// Makes the writes durable and ends the transaction. On failure (e.g. MapFullError)
    /// the transaction is gone as well and nothing was written.
    void Commit();

    /// Ends the transaction, discarding its writes. Does nothing if already ended.
    void Abort() noexcept;

    /// Read-only transactions: release the snapshot but keep the handle for Renew().
    void Reset() noexcept;

    /// Takes a fresh snapshot after Reset().
    void Renew();

    bool IsLive() const noexcept { return txn_ != nullptr; }
    bool IsReadOnly() const noexcept { return read_only_; }
    MDB_txn* Handle() const noexcept { return txn_; }
};

} // namespace sealpost::lmdb
