#include "lib/uv/Socket.hxx"
#include "lib/uv/Handle.hxx"
#include "lib/uv/SocketAddress.hxx"

#include <utility>

#include <algorithm>
#include <limits>

namespace sealpost::uv {

/// The owner, or null once the owner is gone.
struct Socket::Handle : uv::Handle<uv_tcp_t, Socket*> {
    using uv::Handle<uv_tcp_t, Socket*>::Handle;
};

namespace {

// Bytes are handed to the handler synchronously, so one buffer serves every
// connection of the loop thread.
constexpr std::size_t kReadBufferSize = 256 * 1024;
constexpr std::size_t kMinReadSize = 4 * 1024;
thread_local char g_read_buffer[kReadBufferSize];

struct WriteRequest {
    uv_write_t req;
    stream::Bytes data;
    uv_buf_t buf;
};

} // namespace

struct SocketCallbacks {
    static void Alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        // The handler may want less than the whole buffer: bytes it cannot
        // take would otherwise have to be copied aside per connection.
        std::size_t size = kReadBufferSize;
        if (const Socket* socket = Socket::Handle::StateOf(reinterpret_cast<uv_tcp_t*>(h))) {
            size = std::clamp(socket->handler_.ReadLimit(), kMinReadSize, kReadBufferSize);
            // Straight into the handler's memory (an upload segment): no copy.
            const std::span<char> target = socket->handler_.ReadBuffer();
            if (!target.empty()) {
                *buf = uv_buf_init(target.data(),
                                   static_cast<unsigned>(std::min<std::size_t>(
                                       target.size(), std::numeric_limits<unsigned>::max())));
                return;
            }
        }
        *buf = uv_buf_init(g_read_buffer, static_cast<unsigned>(size));
    }

    static void Read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        Socket* socket = Socket::Handle::StateOf(reinterpret_cast<uv_tcp_t*>(stream));
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
        Socket* socket = Socket::Handle::StateOf(reinterpret_cast<uv_tcp_t*>(req->handle));
        const std::size_t size = write->data.size();
        delete write;
        if (!socket)
            return;
        socket->queued_ -= size;
        if (!socket->closing_)
            socket->handler_.OnSocketWritten();
    }
    static void Closed(Socket*& owner) {
        if (Socket* socket = owner) {
            delete std::exchange(socket->handle_, nullptr);
            socket->handler_.OnSocketClosed();
        }
    }
};

Socket::Socket(uv_loop_s* loop, SocketHandler& handler)
    : handle_(new Handle(loop, uv_tcp_init, this, "uv_tcp_init")), handler_(handler) {}

Socket::~Socket() {
    if (handle_) {
        handle_->state() = nullptr; // callbacks still to come find no owner
        delete handle_;             // closes, unless Close() already did
    }
}

int Socket::Accept(uv_stream_s* server) {
    return uv_accept(server, reinterpret_cast<uv_stream_t*>(handle_->get()));
}

std::string Socket::PeerAddress() const {
    sockaddr_storage address{};
    int length = sizeof(address);
    if (uv_tcp_getpeername(handle_->get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return "";
    return AddressToString(reinterpret_cast<sockaddr*>(&address));
}

void Socket::StartReading() {
    if (reading_ || closing_)
        return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(handle_->get()), &SocketCallbacks::Alloc,
                      &SocketCallbacks::Read) == 0)
        reading_ = true;
}

void Socket::StopReading() {
    if (!reading_ || closing_)
        return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(handle_->get()));
    reading_ = false;
}

void Socket::Write(stream::Bytes data) {
    if (closing_ || data.empty())
        return;
    auto* write = new WriteRequest{};
    write->data = std::move(data);
    write->buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
    write->req.data = write;
    const std::size_t size = write->data.size();
    if (uv_write(&write->req, reinterpret_cast<uv_stream_t*>(handle_->get()), &write->buf, 1,
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
    if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(handle_->get()),
                    [](uv_shutdown_t* r, int) { delete r; }) != 0)
        delete req;
}

void Socket::Close() {
    if (closing_ || !handle_)
        return;
    closing_ = true;
    reading_ = false;
    handle_->Close(&SocketCallbacks::Closed);
}

void Socket::SetNoDelay(bool enabled) {
    uv_tcp_nodelay(handle_->get(), enabled ? 1 : 0);
}

} // namespace sealpost::uv
