// Runs a write transaction to completion, growing the map when it is full: the helper for
// writes that must not fail merely because the index outgrew its map size (migrations at
// start, and writers that own the environment exclusively).
//
// Threads: the calling thread becomes the environment's writer. Growing the map requires
// that no other transaction of the Env is live in this process (see Env.hxx); callers
// that run readers concurrently must quiesce them or pass max_grows = 0.
#pragma once

#include <functional>

namespace sealpost::lmdb {

class Env;
class Txn;

/// Begins a write Txn, calls write(txn) and commits. On MapFullError (from write or from
/// the commit) the transaction is aborted, Env::Grow() doubles the map and write runs
/// again on a fresh transaction, up to max_grows times; so write must have no effects
/// outside the transaction. Any other exception aborts and propagates.
void Update(Env& env, const std::function<void(Txn&)>& write, unsigned max_grows = 8);

} // namespace sealpost::lmdb
