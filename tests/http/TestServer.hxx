// Test fixture: a real http::Server on an ephemeral loopback port, running its
// loop on a background thread, and a blocking raw-socket client. Stop() shuts
// the server down gracefully and returns uv_loop_close()'s result, so every
// test can assert that no handle leaked.
#pragma once

#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "http/Server.hxx"
#include "lib/uv/Async.hxx"
#include "lib/uv/Loop.hxx"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace sealpost::test {

class TestServer {
public:
    explicit TestServer(http::ServerLimits limits = {},
                        std::shared_ptr<ssl::TlsContext> tls = nullptr);
    ~TestServer();

    http::Router router;

    void Start();
    /// Runs `fn` on the loop thread and waits for it.
    void RunOnLoop(std::function<void()> fn);
    /// Graceful shutdown; returns uv_loop_close() (0 = no leaked handle).
    int Stop();
    int port() const { return port_; }
    http::Server& server() { return *server_; }
    uv::Loop& loop() { return loop_; }

private:
    uv::Loop loop_;
    http::ServerLimits limits_;
    std::shared_ptr<ssl::TlsContext> tls_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<uv::Async> wakeup_;
    std::mutex mutex_;
    std::vector<std::function<void()>> tasks_;
    std::thread thread_;
    int port_ = 0;
    bool stopped_ = false;
};

struct ClientResponse {
    int status = 0;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string body;
    bool ok() const { return status != 0; }
};

class RawClient {
public:
    explicit RawClient(int port, int timeout_ms = 10'000);
    ~RawClient();
    RawClient(const RawClient&) = delete;

    bool Send(std::string_view data);
    /// Reads one response (Content-Length, chunked, or until close).
    ClientResponse ReadResponse(bool head_request = false);
    /// Reads raw bytes until `marker` appears or the connection ends.
    std::string ReadUntil(std::string_view marker);
    /// Reads at most `max` bytes (blocking until some arrive); "" on EOF/timeout.
    std::string ReadSome(std::size_t max);
    /// True when the server closed the connection (reads EOF).
    bool IsClosed();
    void ShutdownWrite();
    int fd() const { return fd_; }

private:
    bool Fill();
    int fd_ = -1;
    std::string buffer_;
};

/// Resident set size of this process in bytes (from /proc/self/status).
std::size_t CurrentRss();

} // namespace sealpost::test
