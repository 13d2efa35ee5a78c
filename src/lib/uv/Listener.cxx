#include "lib/uv/Listener.hxx"
#include "lib/uv/Handle.hxx"
#include "lib/uv/SocketAddress.hxx"

namespace sealpost::uv {

struct ListenerState {
    Listener::AcceptCallback callback;
};

struct Listener::Block : Handle<uv_tcp_t, ListenerState> {
    using Handle::Handle;
};

Listener::Listener(uv_loop_s* loop, const std::string& address, AcceptCallback on_connection)
    : block_(new Block(loop, uv_tcp_init, ListenerState{std::move(on_connection)}, "uv_tcp_init")) {
    try {
        const auto hp = ParseHostPort(address);
        sockaddr_storage storage{};
        if (!hp || !ToSockaddr(*hp, storage))
            throw Error("invalid listen address " + address, UV_EINVAL);
        Check(uv_tcp_bind(block_->get(), reinterpret_cast<sockaddr*>(&storage), 0),
              ("bind " + address).c_str());
        Check(
            uv_listen(reinterpret_cast<uv_stream_t*>(block_->get()), 511,
                      [](uv_stream_t* server, int status) {
                          if (status != 0)
                              return;
                          Trampoline("accept callback", [server] {
                              Block::StateOf(reinterpret_cast<uv_tcp_t*>(server)).callback(server);
                          });
                      }),
            ("listen " + address).c_str());
    } catch (...) {
        delete block_;
        throw;
    }
}

Listener::~Listener() {
    delete block_;
}

int Listener::Port() const {
    if (block_->gone())
        return 0;
    sockaddr_storage address{};
    int length = sizeof(address);
    uv_tcp_getsockname(block_->get(), reinterpret_cast<sockaddr*>(&address), &length);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

void Listener::Close() {
    block_->Close(); // once: no more accept callbacks
}

void Listener::Reject(uv_stream_s* server) {
    Handle<uv_tcp_t, int> client(server->loop, uv_tcp_init, 0, "uv_tcp_init");
    uv_accept(server, reinterpret_cast<uv_stream_t*>(client.get()));
    // Closed as `client` goes out of scope; freed in the close callback.
}

} // namespace sealpost::uv
