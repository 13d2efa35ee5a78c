// A connected TCP stream on the loop thread: reading with pause/resume, a write
// queue that reports how many bytes are still unsent (for backpressure), a
// graceful shutdown and a close. The uv handle (uv::Handle, Handle.hxx) is freed
// in its close callback;
// the handler is told OnSocketClosed() from there and may then delete the owner.
// Incoming bytes are delivered from one loop-wide buffer (a handler that cannot
// consume everything must copy what it keeps), or read straight into memory
// the handler names (ReadBuffer: a request body into its upload buffer).
#pragma once

#include "stream/Bytes.hxx"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

struct uv_loop_s;
struct uv_stream_s;

namespace sealpost::uv {

class SocketHandler {
public:
    virtual void OnSocketData(std::span<const char> data) noexcept = 0;
    /// The peer closed its sending side (or the connection failed: code < 0).
    virtual void OnSocketEnd(int code) noexcept = 0;
    /// A write finished; QueuedBytes() has dropped.
    virtual void OnSocketWritten() noexcept = 0;
    virtual void OnSocketClosed() noexcept = 0;
    /// At most how many bytes the next read may deliver (at least 4 KiB are
    /// read, at most the loop's read buffer).
    virtual std::size_t ReadLimit() noexcept { return SIZE_MAX; }
    /// Where the next read should land instead of the loop's buffer (asked
    /// after ReadLimit(), which then no longer applies): the bytes read are
    /// delivered there, so the handler need not copy them. Empty: the loop's
    /// buffer.
    virtual std::span<char> ReadBuffer() noexcept { return {}; }

protected:
    ~SocketHandler() = default;
};

class Socket {
public:
    Socket(uv_loop_s* loop, SocketHandler& handler);
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /// Accepts a pending connection from a listening stream.
    int Accept(uv_stream_s* server);
    std::string PeerAddress() const;

    void StartReading();
    void StopReading();
    bool IsReading() const noexcept { return reading_; }

    /// Queues bytes for sending; ownership of the buffer moves to the socket.
    void Write(stream::Bytes data);
    std::size_t QueuedBytes() const noexcept { return queued_; }

    /// Sends FIN after the queued writes.
    void Shutdown();
    /// Closes the handle; OnSocketClosed() follows from the close callback.
    void Close();
    bool IsClosing() const noexcept { return closing_; }

    void SetNoDelay(bool enabled);

private:
    struct Handle;
    Handle* handle_;
    SocketHandler& handler_;
    std::size_t queued_ = 0;
    bool reading_ = false;
    bool closing_ = false;

    friend struct SocketCallbacks;
};

} // namespace sealpost::uv
