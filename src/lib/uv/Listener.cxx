#include "net/Listener.hxx"
#include "lib/uv/Error.hxx"
#include "net/SocketAddress.hxx"

#include <uv.h>

namespace sealpost::net {

struct Listener::Block {
    uv_tcp_t tcp;
    AcceptCallback callback;
    bool closed = false;
};

Listener::Listener(uv_loop_s* loop, const std::string& address, AcceptCallback on_connection)
    : block_(new Block) {
    block_->callback = std::move(on_connection);
    uv_tcp_init(loop, &block_->tcp);
    block_->tcp.data = block_;
    try {
        const auto hp = ParseHostPort(address);
        sockaddr_storage storage{};
        if (!hp || !ToSockaddr(*hp, storage))
            throw uv::Error("invalid listen address " + address, UV_EINVAL);
        uv::Check(uv_tcp_bind(&block_->tcp, reinterpret_cast<sockaddr*>(&storage), 0),
                  ("bind " + address).c_str());
        uv::Check(uv_listen(reinterpret_cast<uv_stream_t*>(&block_->tcp), 511,
                            [](uv_stream_t* server, int status) {
                                auto* block = static_cast<Block*>(server->data);
                                if (status == 0 && !block->closed)
                                    block->callback(server);
                            }),
                  ("listen " + address).c_str());
    } catch (...) {
        Close();
        throw;
    }
}

Listener::~Listener() {
    Close();
}

int Listener::Port() const {
    sockaddr_storage address{};
    int length = sizeof(address);
    uv_tcp_getsockname(&block_->tcp, reinterpret_cast<sockaddr*>(&address), &length);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

void Listener::Close() {
    if (block_->closed)
        return;
    block_->closed = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&block_->tcp),
             [](uv_handle_t* h) { delete static_cast<Block*>(h->data); });
}

void Listener::Reject(uv_stream_s* server) {
    auto* client = new uv_tcp_t;
    uv_tcp_init(server->loop, client);
    uv_accept(server, reinterpret_cast<uv_stream_t*>(client));
    uv_close(reinterpret_cast<uv_handle_t*>(client),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
}

} // namespace sealpost::net
