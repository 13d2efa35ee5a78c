// Owns the process's single libuv event loop and the worker threads behind
// uv::QueueWork (WorkPool). Everything that touches the loop (handles, timers,
// callbacks) runs on the thread that calls Run().
#pragma once

#include <cstdint>
#include <memory>

struct uv_loop_s;

namespace sealpost::uv {

class WorkPool;

/// Worker threads of a loop: blob encryption and decryption, file I/O, LMDB
/// writes, Argon2id (bounded by its own queue) and SMTP share them. The
/// environment variable UV_THREADPOOL_SIZE sets another number (1..1024).
inline constexpr unsigned kWorkerThreads = 8;

class Loop {
public:
    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    uv_loop_s* get() noexcept { return loop_; }

    /// Runs until no active handles remain.
    void Run();
    /// Runs one non-blocking iteration; for tests that drive the loop by hand.
    bool RunOnce();
    /// Runs until every handle is closed, then closes the loop.
    /// Returns uv_loop_close()'s result: 0 when nothing leaked.
    int Close();

    /// Milliseconds of the loop's cached clock.
    std::uint64_t Now() const noexcept;

    /// The Loop that owns a libuv loop (every loop here is made by Loop).
    static Loop& Of(uv_loop_s* loop) noexcept;
    /// The worker threads (started at the first job; how many is read from
    /// the environment then).
    WorkPool& Workers();

private:
    uv_loop_s* loop_;
    std::unique_ptr<WorkPool> workers_;
    bool closed_ = false;
};

} // namespace sealpost::uv
