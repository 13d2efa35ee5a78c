// Runs blocking work (file I/O, LMDB writes, Argon2id, SMTP) on the loop's
// worker threads (WorkPool: jobs start in the order queued) and its completion
// on the loop thread. The completion runs even if
// the object that queued the work is gone, so completions capture shared state
// (or a weak_ptr), never a raw `this` of a short-lived object.
#pragma once

#include <exception>
#include <functional>

struct uv_loop_s;

namespace sealpost::uv {

/// `work` runs on a threadpool thread; `done` runs afterwards on the loop thread.
/// Throws uv::Error when the loop is closed, std::system_error when no worker
/// thread can be started.
/// Exceptions thrown by `work` are caught and passed to `done` as exception_ptr;
/// an exception thrown by `done` is logged and swallowed (it must not reach libuv).
void QueueWork(uv_loop_s* loop, std::function<void()> work,
               std::function<void(std::exception_ptr)> done);

} // namespace sealpost::uv
