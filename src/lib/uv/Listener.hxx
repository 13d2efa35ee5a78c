// A listening TCP socket on the loop thread. Each incoming connection is
// reported to the callback, which accepts it into a Socket (or rejects it).
// Close() stops accepting; the handle memory is freed in its close callback
// (uv::Handle, Handle.hxx).
#pragma once

#include <functional>
#include <string>

struct uv_loop_s;
struct uv_stream_s;

namespace sealpost::uv {

class Listener {
public:
    using AcceptCallback = std::function<void(uv_stream_s* server)>;

    /// Binds and listens; throws uv::Error naming the address on failure.
    Listener(uv_loop_s* loop, const std::string& address, AcceptCallback on_connection);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// The bound port (useful when listening on port 0 in tests).
    int Port() const;
    void Close();

    /// Accepts and immediately closes one pending connection (over the limit).
    static void Reject(uv_stream_s* server);

private:
    struct Block;
    Block* block_;
};

} // namespace sealpost::uv
