// The Argon2id queue: password-key derivations run on the threadpool,
// at most `parallel` at a time (each takes the configured memlimit, 64 MiB by
// default), at most `queued` more waiting; beyond that a request is refused
// rather than buffered, so a burst of password attempts can neither exhaust
// memory nor starve the threadpool.
//
// Loop thread only; owned by Storage.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <utility>

struct uv_loop_s;

namespace sealpost::store {

class KdfQueue {
public:
    KdfQueue(uv_loop_s* loop, unsigned parallel, std::size_t queued)
        : loop_(loop), parallel_(parallel ? parallel : 1), queued_(queued) {}

    /// Runs `job` on the threadpool and then `done` on the loop thread; false
    /// (and neither runs) when the queue is full.
    bool Run(std::function<void()> job, std::function<void()> done);
    /// Jobs running and waiting.
    std::size_t Depth() const noexcept { return running_ + waiting_.size(); }

private:
    void Start(std::function<void()> job, std::function<void()> done);
    void Release();

    uv_loop_s* loop_;
    unsigned parallel_;
    std::size_t queued_;
    unsigned running_ = 0;
    std::deque<std::pair<std::function<void()>, std::function<void()>>> waiting_;
};

} // namespace sealpost::store
