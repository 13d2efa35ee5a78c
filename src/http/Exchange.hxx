// One request/response exchange on a connection: the handler's whole view of
// HTTP. Created by the Connection when a request head has been parsed, passed
// by reference to the route handler, destroyed by the Connection when the
// response has been sent and the request body read (or the connection died).
// Loop thread only. Handlers must not keep a reference past Respond*() unless
// they own a BodyConsumer/ResponseSource installed on it, which the exchange
// keeps alive exactly as long as it may be called.
#pragma once

#include "http/Body.hxx"
#include "http/Request.hxx"
#include "http/Response.hxx"
#include "http/Router.hxx"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

struct uv_loop_s;

namespace sealpost::http {

class Connection;
class Exchange;

/// A weak reference for handlers that answer later (after threadpool work):
/// get() is null once the exchange is gone (the client disconnected).
class ExchangeRef {
public:
    ExchangeRef() = default;
    explicit ExchangeRef(std::weak_ptr<Exchange*> ref) : ref_(std::move(ref)) {}
    Exchange* get() const noexcept {
        const auto p = ref_.lock();
        return p ? *p : nullptr;
    }

private:
    std::weak_ptr<Exchange*> ref_;
};

class Exchange final : public ResponseSink {
public:
    Exchange(Connection& connection, Request request);
    ~Exchange();
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    const Request& request() const noexcept { return request_; }
    Request& request() noexcept { return request_; }
    uv_loop_s* loop() const noexcept;
    ExchangeRef Ref() const { return ExchangeRef(self_); }

    // --- request body -----------------------------------------------------
    /// Streams the body to `consumer`; more than `max_body` bytes → 413.
    void ReadBody(std::unique_ptr<BodyConsumer> consumer, std::uint64_t max_body);
    /// Resumes reading after the consumer returned false from OnBodyData().
    void ResumeBody();
    /// The buffered body of routes registered with BodyMode::buffer.
    const std::string& body() const noexcept { return buffered_body_; }

    // --- response ---------------------------------------------------------
    void Respond(Response response);
    /// Sends `head` and then the body pulled from `source`; `content_length`
    /// nullopt means chunked transfer coding.
    void RespondStream(Response head, std::optional<std::uint64_t> content_length,
                       std::unique_ptr<ResponseSource> source);
    bool responded() const noexcept { return responded_; }

    /// Delays the response until a record it depends on is stored: a Respond*()
    /// while a hold is out is kept (responded() is true) and sent when the last
    /// hold is released. Call the returned function once (later calls do
    /// nothing); `stored` false replaces the kept response with 503, so nothing is
    /// answered whose record could not be written. A hold outliving the exchange
    /// does nothing.
    std::function<void(bool stored)> Hold();
    int status() const noexcept { return status_; }
    /// The matched route's pattern ("/api/v1/transfers/{id}"); empty when no
    /// route matched (static files, 404).
    const std::string& route() const noexcept { return route_; }

    // ResponseSink
    void Push(stream::Bytes data, bool last) noexcept override;
    void Fail() noexcept override;

private:
    friend class Connection;

    std::string BuildHead(Response& response, std::optional<std::uint64_t> content_length);
    void SettleUnreadBody();
    void SendContinue();
    void PumpSource();
    void Abort() noexcept;
    void Release(bool stored);
    void SendResponse(Response response);
    void SendStream(Response head, std::optional<std::uint64_t> content_length,
                    std::unique_ptr<ResponseSource> source);

    Connection& connection_;
    std::shared_ptr<Exchange*> self_;
    Request request_;
    std::string route_;
    std::chrono::steady_clock::time_point started_;

    // Request body state.
    enum class BodyState { unclaimed, buffering, streaming, paused, discarding, done, aborted };
    BodyState body_state_ = BodyState::unclaimed;
    std::unique_ptr<BodyConsumer> consumer_;
    std::uint64_t max_body_ = 0;
    std::uint64_t body_received_ = 0;
    std::string buffered_body_;
    const Handler* deferred_handler_ = nullptr; ///< BodyMode::buffer: runs at body end
    bool message_complete_ = false;
    bool expect_continue_ = false;
    bool continue_sent_ = false;

    // Response state.
    bool responded_ = false;
    int status_ = 0;
    bool head_only_ = false;
    bool chunked_ = false;
    bool response_done_ = false;
    bool pulling_ = false;
    bool in_pump_ = false;
    std::unique_ptr<ResponseSource> source_;
    std::uint64_t body_bytes_sent_ = 0;
    std::optional<std::uint64_t> expected_length_;

    // Held response (Hold()).
    struct HeldResponse {
        Response head;
        bool stream = false;
        std::optional<std::uint64_t> content_length;
        std::unique_ptr<ResponseSource> source;
    };
    unsigned holds_ = 0;
    bool hold_failed_ = false;
    std::unique_ptr<HeldResponse> held_;
};

} // namespace sealpost::http
