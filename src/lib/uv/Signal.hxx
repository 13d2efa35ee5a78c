// Watches one POSIX signal on the loop thread (SIGTERM, SIGINT, SIGHUP).
// Same lifetime rule as Timer: the handle block is freed in its close callback.
#pragma once

#include <functional>

struct uv_loop_s;

namespace sealpost::uv {

class Signal {
public:
    Signal(uv_loop_s* loop, int signum, std::function<void()> callback);
    ~Signal();
    Signal(const Signal&) = delete;
    Signal& operator=(const Signal&) = delete;

    /// Does not keep the loop alive by itself.
    void Unref();

private:
    struct Block;
    Block* block_;
};

} // namespace sealpost::uv
