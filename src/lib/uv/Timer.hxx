// A libuv timer owned by one object on the loop thread. The uv handle lives in a
// separately allocated block (uv::Handle, Handle.hxx) that is freed in its close callback, so
// destroying a Timer at any moment is safe (the libuv rule: memory stays valid until closed).
#pragma once

#include <cstdint>
#include <functional>

struct uv_loop_s;

namespace sealpost::uv {

class Timer {
public:
    using Callback = std::function<void()>;

    Timer(uv_loop_s* loop, Callback callback);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    /// (Re)arms the timer; repeat_ms = 0 fires once.
    void Start(std::uint64_t timeout_ms, std::uint64_t repeat_ms = 0);
    void Stop();
    bool IsActive() const noexcept;
    /// Does not keep the loop alive (for housekeeping timers).
    void Unref();

private:
    struct Block;
    Block* block_;
};

} // namespace sealpost::uv
