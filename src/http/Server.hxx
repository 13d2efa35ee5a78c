// The HTTP/1.1 server: accepts connections on one address (plain TCP or TLS),
// owns them, routes their requests, keeps the metrics and shuts down
// gracefully. Lives on the loop thread; construct, Listen(), run the loop,
// Shutdown(), and destroy after the loop has returned.
#pragma once

#include "http/Limits.hxx"
#include "http/Metrics.hxx"
#include "http/Request.hxx"
#include "http/Router.hxx"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct uv_loop_s;
struct uv_stream_s;

namespace sealpost::ssl {
class TlsContext;
}
namespace sealpost::uv {
class Listener;
class Timer;
} // namespace sealpost::uv

namespace sealpost::http {

class Connection;

class Server {
public:
    Server(uv_loop_s* loop, const Router& router, ServerLimits limits,
           std::shared_ptr<ssl::TlsContext> tls = nullptr);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; throws on failure (address in use, bad address).
    void Listen(const std::string& address);
    int Port() const;

    /// Handles requests that match no route (static pages, 404).
    void SetFallback(Handler fallback) { fallback_ = std::move(fallback); }

    /// Whose X-Request-Id to keep (by TCP peer address): the trusted proxies.
    /// Without a predicate every request gets a new id.
    void SetRequestIdTrust(std::function<bool(std::string_view peer)> trusted) {
        request_id_trust_ = std::move(trusted);
    }
    bool TrustsRequestIdFrom(std::string_view peer) const {
        return request_id_trust_ && request_id_trust_(peer);
    }
    /// How the request log names the client (the address behind trusted
    /// proxies); without it, the TCP peer.
    void SetLogClient(std::function<std::string(const Request&)> client) {
        log_client_ = std::move(client);
    }
    std::string LogClient(const Request& request) const {
        return log_client_ ? log_client_(request) : request.client_ip;
    }

    /// Stops accepting, lets in-flight exchanges finish for up to
    /// shutdown_timeout, then closes everything and calls `done`.
    void Shutdown(std::function<void()> done);

    /// Loads the TLS certificate and key again (SIGHUP). Throws on failure,
    /// keeping the old certificate.
    void ReloadTls();
    bool tls() const noexcept { return tls_ != nullptr; }

    uv_loop_s* loop() const noexcept { return loop_; }
    const Router& router() const noexcept { return router_; }
    const Handler& fallback() const noexcept { return fallback_; }
    const ServerLimits& limits() const noexcept { return limits_; }
    Metrics& metrics() noexcept { return metrics_; }
    std::size_t ConnectionCount() const noexcept { return connections_.size(); }

private:
    friend class Connection;
    void OnAccept(uv_stream_s* server);
    void Remove(Connection* connection);
    void MaybeFinishShutdown();

    uv_loop_s* loop_;
    const Router& router_;
    ServerLimits limits_;
    std::shared_ptr<ssl::TlsContext> tls_;
    Handler fallback_;
    std::function<bool(std::string_view)> request_id_trust_;
    std::function<std::string(const Request&)> log_client_;
    Metrics metrics_;
    std::unique_ptr<uv::Listener> listener_;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
    std::unique_ptr<uv::Timer> shutdown_timer_;
    std::function<void()> shutdown_done_;
    bool shutting_down_ = false;
};

} // namespace sealpost::http
