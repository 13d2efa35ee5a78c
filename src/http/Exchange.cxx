#include "http/Exchange.hxx"
#include "http/Connection.hxx"
#include "http/Server.hxx"
#include "http/Status.hxx"
#include "log/Log.hxx"

#include <fmt/format.h>

#include <ctime>
#include <utility>

namespace sealpost::http {
namespace {

// Request bodies up to this size that nobody claimed are read and dropped so
// the connection can be reused; larger ones end the connection instead.
constexpr std::uint64_t kMaxDiscard = 64 * 1024;
// The send queue size above which a streaming source is not asked for more.
constexpr std::size_t kHighWater = 256 * 1024;

// The Date header changes once a second; format it only then.
std::string CurrentHttpDate() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        cached = HttpDate(now);
        cached_second = now;
    }
    return cached;
}

// Response splitting guard: header names and values never carry CR, LF or NUL.
bool SafeHeader(std::string_view name, std::string_view value) {
    for (const char c : name)
        if (c <= ' ' || c == ':' || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    for (const char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    return !name.empty();
}

} // namespace

Exchange::Exchange(Connection& connection, Request request)
    : connection_(connection), self_(std::make_shared<Exchange*>(this)),
      request_(std::move(request)), started_(std::chrono::steady_clock::now()) {
    if (auto expect = request_.headers.Get("expect"))
        expect_continue_ = EqualsIgnoreCase(*expect, "100-continue");
}

Exchange::~Exchange() = default;

uv_loop_s* Exchange::loop() const noexcept {
    return connection_.server().loop();
}

void Exchange::Abort() noexcept {
    if (consumer_ && (body_state_ == BodyState::streaming || body_state_ == BodyState::paused))
        consumer_->OnBodyAbort();
    if (body_state_ != BodyState::done)
        body_state_ = BodyState::aborted;
    if (source_ && !response_done_) {
        source_->Cancel();
        source_.reset();
    }
}

void Exchange::SendContinue() {
    if (expect_continue_ && !continue_sent_ && !responded_ && !message_complete_ &&
        request_.version_minor >= 1) {
        continue_sent_ = true;
        connection_.Send("HTTP/1.1 100 Continue\r\n\r\n");
    }
}

void Exchange::ReadBody(std::unique_ptr<BodyConsumer> consumer, std::uint64_t max_body) {
    // A request without a body completes right after its head, so a handler
    // that claims it later (after threadpool work) finds it `done` already.
    const bool empty_and_complete =
        body_state_ == BodyState::done && message_complete_ && !request_.has_body;
    if ((body_state_ != BodyState::unclaimed && !empty_and_complete) || responded_ || consumer_)
        return;
    if (request_.content_length && *request_.content_length > max_body) {
        Respond(Response::Problem(413, "request body too large"));
        return;
    }
    consumer_ = std::move(consumer);
    max_body_ = max_body;
    if (message_complete_) {
        body_state_ = BodyState::done;
        consumer_->OnBodyEnd();
        return;
    }
    // Also without a body: the consumer then hears OnBodyEnd() at message
    // completion (never leave it waiting for an end that is never told).
    body_state_ = BodyState::streaming;
    if (request_.has_body)
        SendContinue();
    connection_.ScheduleProgress();
}

void Exchange::ResumeBody() {
    if (body_state_ == BodyState::paused) {
        body_state_ = BodyState::streaming;
        connection_.ScheduleProgress();
    } else if (body_state_ == BodyState::streaming) {
        // The consumer has Room() again after saying it had none.
        connection_.ScheduleProgress();
    }
}

void Exchange::SettleUnreadBody() {
    if (!request_.has_body || message_complete_)
        return;
    if (body_state_ == BodyState::unclaimed && request_.content_length &&
        *request_.content_length <= kMaxDiscard) {
        body_state_ = BodyState::discarding;
        connection_.ScheduleProgress();
        return;
    }
    if (body_state_ == BodyState::discarding)
        return;
    // The rest of the body will not be read: the connection ends after this
    // response.
    if (body_state_ != BodyState::aborted)
        body_state_ = BodyState::aborted;
    connection_.close_after_response_ = true;
}

std::string Exchange::BuildHead(Response& response, std::optional<std::uint64_t> content_length) {
    SettleUnreadBody();
    const bool is_tls = request_.tls;
    const bool no_body_status =
        response.status == 204 || response.status == 304 || response.status < 200;
    bool close =
        !connection_.keep_alive_ || connection_.close_after_response_ || connection_.draining_;
    if (!content_length && request_.version_minor == 0)
        close = true; // HTTP/1.0 has no chunked coding: the body ends at close
    if (close)
        connection_.close_after_response_ = true;

    std::string head =
        fmt::format("HTTP/1.1 {} {}\r\n", response.status, ReasonPhrase(response.status));
    auto& headers = response.headers;
    auto add_default = [&](std::string_view name, std::string_view value) {
        if (!headers.Has(name))
            headers.Add(std::string(name), std::string(value));
    };
    if (!request_.request_id.empty())
        headers.Set("X-Request-Id", request_.request_id);
    add_default("Cache-Control", "no-store");
    add_default("X-Content-Type-Options", "nosniff");
    add_default("Referrer-Policy", "no-referrer");
    add_default("X-Frame-Options", "DENY");
    add_default("Content-Security-Policy",
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    if (is_tls)
        add_default("Strict-Transport-Security", "max-age=31536000");
    for (const auto& [name, value] : headers.fields()) {
        if (!SafeHeader(name, value)) {
            log::Write(log::Level::error, "unsafe_response_header_dropped", {{"header", name}});
            continue;
        }
        if (EqualsIgnoreCase(name, "content-length") ||
            EqualsIgnoreCase(name, "transfer-encoding") || EqualsIgnoreCase(name, "connection"))
            continue; // framing is ours
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "Date: " + CurrentHttpDate() + "\r\n";
    if (!no_body_status) {
        if (content_length)
            head += fmt::format("Content-Length: {}\r\n", *content_length);
        else if (request_.version_minor >= 1)
            head += "Transfer-Encoding: chunked\r\n";
    }
    if (close)
        head += "Connection: close\r\n";
    else if (request_.version_minor == 0)
        head += "Connection: keep-alive\r\n";
    head += "\r\n";
    return head;
}

std::function<void(bool)> Exchange::Hold() {
    ++holds_;
    return [ref = Ref(), released = false](bool stored) mutable {
        if (std::exchange(released, true))
            return;
        if (Exchange* ex = ref.get())
            ex->Release(stored);
    };
}

void Exchange::Release(bool stored) {
    if (holds_ == 0)
        return;
    --holds_;
    if (!stored)
        hold_failed_ = true;
    if (holds_ > 0 || !held_ || connection_.closing_)
        return;
    auto held = std::move(held_);
    if (hold_failed_) {
        log::Write(log::Level::error, "response_withheld", {{"route", route_}});
        SendResponse(Response::Problem(503, "the audit record cannot be written; try again later"));
    } else if (held->stream) {
        SendStream(std::move(held->head), held->content_length, std::move(held->source));
    } else {
        SendResponse(std::move(held->head));
    }
    connection_.ScheduleProgress();
}

void Exchange::Respond(Response response) {
    if (responded_ || connection_.closing_)
        return;
    responded_ = true;
    if (holds_ > 0) {
        held_ = std::make_unique<HeldResponse>();
        held_->head = std::move(response);
        return;
    }
    SendResponse(std::move(response));
}

void Exchange::SendResponse(Response response) {
    status_ = response.status;
    head_only_ = request_.method == "HEAD";
    const bool no_body = head_only_ || response.status == 204 || response.status == 304;
    std::string out = BuildHead(response, response.body.size());
    if (!no_body) {
        body_bytes_sent_ = response.body.size();
        out += response.body;
    }
    response_done_ = true;
    connection_.Send(std::move(out));
}

void Exchange::RespondStream(Response head, std::optional<std::uint64_t> content_length,
                             std::unique_ptr<ResponseSource> source) {
    if (responded_ || connection_.closing_)
        return;
    responded_ = true;
    if (holds_ > 0) {
        held_ = std::make_unique<HeldResponse>(HeldResponse{
            std::move(head), true, content_length, std::move(source)});
        return;
    }
    SendStream(std::move(head), content_length, std::move(source));
}

void Exchange::SendStream(Response head, std::optional<std::uint64_t> content_length,
                          std::unique_ptr<ResponseSource> source) {
    status_ = head.status;
    head_only_ = request_.method == "HEAD";
    chunked_ = !content_length && request_.version_minor >= 1;
    expected_length_ = content_length;
    connection_.Send(BuildHead(head, content_length));
    if (head_only_ || head.status == 204 || head.status == 304 ||
        (content_length && *content_length == 0)) {
        response_done_ = true;
        return;
    }
    source_ = std::move(source);
    PumpSource();
}

void Exchange::PumpSource() {
    if (in_pump_)
        return;
    in_pump_ = true;
    while (source_ && !response_done_ && !pulling_ && !connection_.closing_ &&
           connection_.QueuedBytes() < kHighWater) {
        pulling_ = true;
        source_->Pull(*this);
    }
    in_pump_ = false;
}

void Exchange::Push(stream::Bytes data, bool last) noexcept {
    if (!source_ || response_done_ || connection_.closing_)
        return;
    pulling_ = false;
    if (expected_length_ && body_bytes_sent_ + data.size() > *expected_length_) {
        log::Write(log::Level::error, "response_body_too_long");
        connection_.CloseNow();
        return;
    }
    if (!data.empty()) {
        body_bytes_sent_ += data.size();
        if (chunked_) {
            std::string framed = fmt::format("{:x}\r\n", data.size());
            framed += data.view();
            framed += "\r\n";
            connection_.Send(std::move(framed));
        } else {
            connection_.Send(std::move(data));
        }
    }
    if (last) {
        if (chunked_)
            connection_.Send("0\r\n\r\n");
        response_done_ = true;
        if (expected_length_ && body_bytes_sent_ != *expected_length_) {
            log::Write(log::Level::error, "response_body_too_short");
            connection_.CloseNow();
        }
        return;
    }
    if (!in_pump_)
        PumpSource();
}

void Exchange::Fail() noexcept {
    pulling_ = false;
    connection_.CloseNow();
}

} // namespace sealpost::http
