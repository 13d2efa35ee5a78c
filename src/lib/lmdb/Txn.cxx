#include "Txn.hxx"
#include "Calls.hxx"
#include "Env.hxx"

#include <utility>

namespace sealpost::lmdb {

Txn Txn::BeginRead(Env& env) {
    return Txn(call::TxnBegin(env.Handle(), nullptr, MDB_RDONLY), true);
}

Txn Txn::BeginWrite(Env& env) {
    return Txn(call::TxnBegin(env.Handle(), nullptr, 0), false);
}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        Abort();
        txn_ = std::exchange(other.txn_, nullptr);
        read_only_ = other.read_only_;
    }
    return *this;
}

void Txn::Commit() {
    // mdb_txn_commit frees the handle whether or not it succeeds.
    call::TxnCommit(std::exchange(txn_, nullptr));
}

void Txn::Abort() noexcept {
    if (txn_ != nullptr)
        mdb_txn_abort(std::exchange(txn_, nullptr));
}

void Txn::Reset() noexcept {
    if (txn_ != nullptr && read_only_)
        mdb_txn_reset(txn_);
}

void Txn::Renew() {
    call::TxnRenew(txn_);
}

} // namespace sealpost::lmdb
