#include "net/Socket.hxx"
#include "net/SocketAddress.hxx"

#include <uv.h>

#include <algorithm>

namespace sealpost::net {

struct Socket::Handle {
    uv_tcp_t tcp;
    Socket* owner; // null once the owner is gone
};

namespace {

// Bytes are handed to the handler synchronously, so one buffer serves every
// connection of the loop thread.
constexpr std::size_t kReadBufferSize = 256 * 1024;
constexpr std::size_t kMinReadSize = 4 * 1024;
thread_local char g_read_buffer[kReadBufferSize];

struct WriteRequest {
    uv_write_t req;
    std::string data;
    uv_buf_t buf;
};

} // namespace

struct SocketCallbacks {
    static void Alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        // The handler may want less than the whole buffer: bytes it cannot
        // take would otherwise have to be copied aside per connection.
        std::size_t size = kReadBufferSize;
        if (const Socket* socket = static_cast<Socket::Handle*>(h->data)->owner)
            size = std::clamp(socket->handler_.ReadLimit(), kMinReadSize, kReadBufferSize);
        *buf = uv_buf_init(g_read_buffer, static_cast<unsigned>(size));
    }

    static void Read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* handle = static_cast<Socket::Handle*>(stream->data);
        Socket* socket = handle->owner;
        if (!socket || socket->closing_)
            return;
        if (nread > 0) {
            socket->handler_.OnSocketData(
                std::span<const char>(buf->base, static_cast<std::size_t>(nread)));
        } else if (nread < 0) {
            uv_read_stop(stream);
            socket->reading_ = false;
            socket->handler_.OnSocketEnd(nread == UV_EOF ? 0 : static_cast<int>(nread));
        }
    }

    static void Written(uv_write_t* req, int) {
        auto* write = static_cast<WriteRequest*>(req->data);
        auto* handle = static_cast<Socket::Handle*>(req->handle->data);
        const std::size_t size = write->data.size();
        delete write;
        Socket* socket = handle->owner;
        if (!socket)
            return;
        socket->queued_ -= size;
        if (!socket->closing_)
            socket->handler_.OnSocketWritten();
    }

    static void Closed(uv_handle_t* h) {
        auto* handle = static_cast<Socket::Handle*>(h->data);
        Socket* socket = handle->owner;
        delete handle;
        if (socket) {
            socket->handle_ = nullptr;
            socket->handler_.OnSocketClosed();
        }
    }
};

Socket::Socket(uv_loop_s* loop, SocketHandler& handler) : handle_(new Handle{}), handler_(handler) {
    uv_tcp_init(loop, &handle_->tcp);
    handle_->tcp.data = handle_;
    handle_->owner = this;
}

Socket::~Socket() {
    if (handle_) {
        handle_->owner = nullptr;
        if (!closing_)
            uv_close(reinterpret_cast<uv_handle_t*>(&handle_->tcp), &SocketCallbacks::Closed);
    }
}

int Socket::Accept(uv_stream_s* server) {
    return uv_accept(server, reinterpret_cast<uv_stream_t*>(&handle_->tcp));
}

std::string Socket::PeerAddress() const {
    sockaddr_storage address{};
    int length = sizeof(address);
    if (uv_tcp_getpeername(&handle_->tcp, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return "";
    return AddressToString(reinterpret_cast<sockaddr*>(&address));
}

void Socket::StartReading() {
    if (reading_ || closing_)
        return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&handle_->tcp), &SocketCallbacks::Alloc,
                      &SocketCallbacks::Read) == 0)
        reading_ = true;
}

void Socket::StopReading() {
    if (!reading_ || closing_)
        return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_->tcp));
    reading_ = false;
}

void Socket::Write(std::string data) {
    if (closing_ || data.empty())
        return;
    auto* write = new WriteRequest{};
    write->data = std::move(data);
    write->buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
    write->req.data = write;
    const std::size_t size = write->data.size();
    if (uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&handle_->tcp), &write->buf, 1,
                 &SocketCallbacks::Written) != 0) {
        delete write;
        return;
    }
    queued_ += size;
}

void Socket::Shutdown() {
    if (closing_)
        return;
    auto* req = new uv_shutdown_t;
    if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&handle_->tcp),
                    [](uv_shutdown_t* r, int) { delete r; }) != 0)
        delete req;
}

void Socket::Close() {
    if (closing_ || !handle_)
        return;
    closing_ = true;
    reading_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->tcp), &SocketCallbacks::Closed);
}

void Socket::SetNoDelay(bool enabled) {
    uv_tcp_nodelay(&handle_->tcp, enabled ? 1 : 0);
}

} // namespace sealpost::net
