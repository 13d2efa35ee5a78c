#include "Update.hxx"
#include "Env.hxx"
#include "Error.hxx"
#include "Txn.hxx"

namespace sealpost::lmdb {

void Update(Env& env, const std::function<void(Txn&)>& write, unsigned max_grows) {
    for (unsigned attempt = 0;; ++attempt) {
        try {
            Txn txn = Txn::BeginWrite(env);
            write(txn);
            txn.Commit();
            return;
        } catch (const MapFullError&) {
            // txn has been aborted by its destructor (or freed by the failed commit).
            if (attempt >= max_grows)
                throw;
        }
        env.Grow();
    }
}

} // namespace sealpost::lmdb
