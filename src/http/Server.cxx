#include "http/Server.hxx"
#include "http/Connection.hxx"
#include "http/Exchange.hxx"
#include "lib/ssl/TlsContext.hxx"
#include "lib/ssl/TlsSession.hxx"
#include "lib/uv/Listener.hxx"
#include "lib/uv/Timer.hxx"
#include "log/Log.hxx"

namespace sealpost::http {

Server::Server(uv_loop_s* loop, const Router& router, ServerLimits limits,
               std::shared_ptr<ssl::TlsContext> tls)
    : loop_(loop), router_(router), limits_(limits), tls_(std::move(tls)) {
    fallback_ = [](Exchange& ex) {
        if (ex.request().path.starts_with("/api/"))
            ex.Respond(Response::Problem(404, "no such resource"));
        else
            ex.Respond(Response::Text(404, "Not found\n"));
    };
}

Server::~Server() {
    // Connections must be gone (Shutdown() and a loop run) before this; any
    // left are closed without their callbacks reaching us.
    for (auto& [ptr, connection] : connections_)
        connection->Abort();
}

void Server::Listen(const std::string& address) {
    listener_ =
        std::make_unique<uv::Listener>(loop_, address, [this](uv_stream_s* s) { OnAccept(s); });
}

int Server::Port() const {
    return listener_ ? listener_->Port() : 0;
}

void Server::OnAccept(uv_stream_s* server_stream) {
    if (shutting_down_ || connections_.size() >= limits_.max_connections) {
        metrics_.connections_rejected.fetch_add(1, std::memory_order_relaxed);
        uv::Listener::Reject(server_stream);
        return;
    }
    std::unique_ptr<ssl::TlsSession> session;
    if (tls_) {
        try {
            session = tls_->NewSession();
        } catch (const std::exception& e) {
            log::Write(log::Level::error, "tls_session_failed", {{"error", e.what()}});
            uv::Listener::Reject(server_stream);
            return;
        }
    }
    auto connection = std::make_unique<Connection>(*this, std::move(session));
    if (connection->socket().Accept(server_stream) != 0) {
        connection->Abort();
        Connection* raw = connection.get();
        connections_.emplace(raw, std::move(connection));
        return;
    }
    metrics_.connections_total.fetch_add(1, std::memory_order_relaxed);
    metrics_.connections_open.fetch_add(1, std::memory_order_relaxed);
    Connection* raw = connection.get();
    connections_.emplace(raw, std::move(connection));
    raw->Start();
}

void Server::Remove(Connection* connection) {
    const auto it = connections_.find(connection);
    if (it == connections_.end())
        return;
    metrics_.connections_open.fetch_sub(1, std::memory_order_relaxed);
    connections_.erase(it);
    MaybeFinishShutdown();
}

void Server::Shutdown(std::function<void()> done) {
    if (shutting_down_)
        return;
    shutting_down_ = true;
    shutdown_done_ = std::move(done);
    listener_.reset();
    for (auto& [ptr, connection] : connections_)
        connection->Drain();
    shutdown_timer_ = std::make_unique<uv::Timer>(loop_, [this] {
        log::Write(log::Level::warn, "shutdown_timeout",
                   {{"connections_closed", std::to_string(connections_.size())}});
        for (auto& [ptr, connection] : connections_)
            connection->Abort();
    });
    shutdown_timer_->Start(limits_.shutdown_timeout_ms);
    MaybeFinishShutdown();
}

void Server::MaybeFinishShutdown() {
    if (!shutting_down_ || !connections_.empty() || !shutdown_done_)
        return;
    shutdown_timer_.reset();
    auto done = std::move(shutdown_done_);
    shutdown_done_ = nullptr;
    done();
}

void Server::ReloadTls() {
    if (tls_)
        tls_->Reload();
}

} // namespace sealpost::http
