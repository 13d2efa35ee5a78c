#include "Txn.hxx"
#include "Calls.hxx"
#include "Env.hxx"

#include <utility>

namespace sealpost::lmdb {

void Txn::End() noexcept {
    if (write_live_)
        *write_live_ = false;
}

Txn Txn::BeginRead(Env& env) {
    return Txn(call::TxnBegin(env.Handle(), nullptr, MDB_RDONLY), true, nullptr);
}

Txn Txn::BeginWrite(Env& env) {
    // Allocated first: nothing may throw between beginning the transaction and owning it.
    auto live = std::make_shared<bool>(true);
    return Txn(call::TxnBegin(env.Handle(), nullptr, 0), false, std::move(live));
}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        Abort();
        txn_ = std::exchange(other.txn_, nullptr);
        read_only_ = other.read_only_;
        write_live_ = std::move(other.write_live_);
    }
    return *this;
}

void Txn::Commit() {
    // mdb_txn_commit frees the handle (and a write transaction's cursors) whether or
    // not it succeeds.
    End();
    call::TxnCommit(std::exchange(txn_, nullptr));
}

void Txn::Abort() noexcept {
    if (txn_ != nullptr) {
        End();
        mdb_txn_abort(std::exchange(txn_, nullptr));
    }
}

void Txn::Reset() noexcept {
    if (txn_ != nullptr && read_only_)
        mdb_txn_reset(txn_);
}

void Txn::Renew() {
    call::TxnRenew(txn_);
}

} // namespace sealpost::lmdb
