// Lets other threads (WorkPool's workers, test drivers) wake the loop thread:
// Send() is thread-safe, the callback runs on the loop thread. Several Send()
// calls may coalesce into one callback, so the callback drains a queue.
#pragma once

#include <functional>

struct uv_loop_s;

namespace sealpost::uv {

class Async {
public:
    Async(uv_loop_s* loop, std::function<void()> callback);
    ~Async();
    Async(const Async&) = delete;
    Async& operator=(const Async&) = delete;

    void Send() noexcept;
    /// Whether the handle keeps the loop running (it does after construction).
    void Ref() noexcept;
    void Unref();
    /// Closes the handle now (the destructor would otherwise); no callback
    /// runs afterwards.
    void Close() noexcept;

private:
    struct Block;
    Block* block_;
};

} // namespace sealpost::uv
