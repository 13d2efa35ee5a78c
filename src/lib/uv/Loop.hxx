// Owns the process's single libuv event loop. Everything that touches the loop
// (handles, timers, callbacks) runs on the thread that calls Run().
#pragma once

#include <cstdint>

struct uv_loop_s;

namespace sealpost::uv {

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

private:
    uv_loop_s* loop_;
    bool closed_ = false;
};

} // namespace sealpost::uv
