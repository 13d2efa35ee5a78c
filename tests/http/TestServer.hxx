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

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

/// A body consumer that offers its own memory for the body, as an upload
/// segment does (BodyConsumer::ReadBuffer): a ring of `room` bytes, filled and
/// then handed on. Answers "<bytes> <sum of byte * (offset % 251 + 1)>
/// <bytes that arrived in place>" when the body ends; whatever the path, the
/// first two must match the body sent.
class InPlaceConsumer final : public http::BodyConsumer {
public:
    InPlaceConsumer(http::Exchange& ex, std::size_t room) : ex_(ex), memory_(room) {}

    std::size_t Room() noexcept override { return memory_.size() - used_; }
    std::span<std::uint8_t> ReadBuffer() noexcept override {
        return std::span(memory_).subspan(used_);
    }
    bool OnBodyData(std::span<const std::uint8_t> data) noexcept override {
        while (!data.empty()) {
            const std::size_t n = std::min(data.size(), memory_.size() - used_);
            std::uint8_t* at = memory_.data() + used_;
            if (data.data() == at)
                in_place_ += n;
            else
                std::memmove(at, data.data(), n);
            for (std::size_t i = 0; i < n; ++i)
                sum_ += std::uint64_t{at[i]} * ((count_ + i) % 251 + 1);
            count_ += n;
            used_ = (used_ + n) % memory_.size(); // a full ring is handed on
            data = data.subspan(n);
        }
        return true;
    }
    void OnBodyEnd() noexcept override {
        ex_.Respond(http::Response::Text(200, std::to_string(count_) + " " + std::to_string(sum_) +
                                                  " " + std::to_string(in_place_)));
    }
    void OnBodyAbort() noexcept override {}

    /// What OnBodyEnd answers for `body` (without the in-place count).
    static std::string Expected(std::string_view body) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < body.size(); ++i)
            sum += std::uint64_t{static_cast<unsigned char>(body[i])} * (i % 251 + 1);
        return std::to_string(body.size()) + " " + std::to_string(sum);
    }

private:
    http::Exchange& ex_;
    std::vector<std::uint8_t> memory_;
    std::size_t used_ = 0;
    std::uint64_t count_ = 0, sum_ = 0, in_place_ = 0;
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
    /// recv/send, retried when a signal interrupted it (a fuzzer's timer
    /// ticks every second) until the client's timeout has passed.
    ssize_t Recv(void* into, std::size_t size);
    int fd_ = -1;
    int timeout_ms_ = 0;
    std::string buffer_;
};

/// Resident set size of this process in bytes (from /proc/self/status).
std::size_t CurrentRss();

} // namespace sealpost::test
