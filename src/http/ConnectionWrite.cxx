// Output side and state machine of a connection: sending, finishing an
// exchange, resuming the parser, timeouts and closing.
#include "http/Connection.hxx"
#include "http/RouteClass.hxx"
#include "http/Server.hxx"
#include "lib/ssl/TlsSession.hxx"
#include "log/Log.hxx"

#include <chrono>
#include <utility>

namespace sealpost::http {
namespace {

// After the response of a closing connection, how long unread request bytes
// are drained so that the client sees the response instead of a reset.
constexpr std::uint64_t kLingerMs = 2000;
// Bytes of following requests read ahead while a response is in progress.
constexpr std::size_t kMaxPendingInput = 64 * 1024;

} // namespace

void Connection::Send(stream::Bytes data) {
    if (closing_)
        return;
    if (!tls_) {
        SendRaw(std::move(data));
        return;
    }
    if (!tls_->Write(data.view())) {
        CloseNow();
        return;
    }
    SendRaw(tls_->TakeOutput());
}

void Connection::SendRaw(stream::Bytes data) {
    server_.metrics().bytes_out.fetch_add(data.size(), std::memory_order_relaxed);
    socket_.Write(std::move(data));
}

std::size_t Connection::QueuedBytes() const noexcept {
    return socket_.QueuedBytes();
}

void Connection::OnSocketWritten() noexcept {
    Progress();
}

void Connection::ScheduleProgress() {
    if (!closing_)
        deferred_.Start(0);
}

void Connection::Progress() {
    if (closing_)
        return;
    if (exchange_) {
        Exchange& ex = *exchange_;
        if (ex.source_ && !ex.response_done_)
            ex.PumpSource();
        if (ex.response_done_ && QueuedBytes() == 0) {
            using State = Exchange::BodyState;
            const bool body_finished = ex.body_state_ == State::done;
            if (body_finished || ex.body_state_ != State::discarding) {
                if (!body_finished)
                    close_after_response_ = true;
                FinishExchange();
                if (!keep_alive_ || close_after_response_ || draining_ || peer_closed_) {
                    BeginClose();
                    return;
                }
            }
        }
    } else if (draining_ || (peer_closed_ && pending_input_.empty())) {
        BeginClose();
        return;
    }

    if (parser_paused_ && CanParse() && (pending_input_.empty() || BodyHasRoom())) {
        parser_.Resume();
        parser_paused_ = false;
        std::string input = std::move(pending_input_);
        pending_input_.clear();
        const std::size_t scanned = std::exchange(pending_scanned_, 0);
        Process(input, scanned);
        if (closing_)
            return;
    }
    if (tls_ && !parser_paused_ && CanParse() && BodyHasRoom() && tls_->HasPendingPlaintext())
        DrainTls();
    if (closing_)
        return;

    // While a response is being written the next pipelined request may already
    // be read into pending_input_ (up to a bound), so the socket is not taken
    // off and put back on epoll for every request.
    const bool awaiting_response =
        exchange_ && exchange_->message_complete_ && pending_input_.size() < kMaxPendingInput;
    const bool want_read =
        lingering_ ||
        (!peer_closed_ && ((!parser_paused_ && CanParse() && BodyHasRoom()) || awaiting_response));
    if (want_read)
        socket_.StartReading();
    else
        socket_.StopReading();
    ArmTimer();
}

void Connection::FinishExchange() {
    std::unique_ptr<Exchange> ex = std::move(exchange_);
    ++requests_served_;
    const auto elapsed = std::chrono::steady_clock::now() - ex->started_;
    const std::string& path = ex->request_.path;
    const RouteClass route_class = ClassifyRoute(ex->route_.empty() ? path : ex->route_);
    server_.metrics().CountRequest(ex->status_);
    server_.metrics().ObserveDuration(route_class, std::chrono::duration<double>(elapsed).count());
    // The route's pattern, not the path: paths carry ids and names users
    // chose. A path that matched no route is logged only outside the API
    // (web UI files and 404s there). The query string is never logged.
    log::Write(log::Level::info, "request",
               {{"method", ex->request_.method},
                {ex->route_.empty() && !path.starts_with("/api/") ? "path" : "route",
                 !ex->route_.empty()         ? ex->route_
                 : path.starts_with("/api/") ? std::string("(none)")
                                             : path},
                {"class", std::string(ToString(route_class))},
                {"request_id", ex->request_.request_id},
                {"status", std::to_string(ex->status_)},
                {"bytes", std::to_string(ex->body_bytes_sent_)},
                {"ms", std::to_string(
                           std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count())},
                {"ip", server_.LogClient(ex->request_)}});
}

void Connection::BeginClose() {
    if (closing_ || lingering_)
        return;
    if (exchange_) {
        FinishExchange();
    }
    if (tls_) {
        tls_->Shutdown();
        SendRaw(tls_->TakeOutput());
    }
    if (peer_closed_) {
        CloseNow();
        return;
    }
    // Send FIN, then read and drop whatever the client still sends until it
    // closes too (or the linger time ends), so our last response is not lost
    // to a TCP reset.
    lingering_ = true;
    socket_.Shutdown();
    socket_.StartReading();
    ArmTimer();
}

void Connection::CloseNow() {
    if (closing_)
        return;
    if (exchange_)
        exchange_->Abort();
    closing_ = true;
    timer_.Stop();
    deferred_.Stop();
    rate_timer_.Stop();
    socket_.Close();
}

void Connection::OnSocketClosed() noexcept {
    if (exchange_) {
        exchange_->Abort();
        if (exchange_->responded_ || exchange_->status_)
            FinishExchange();
        exchange_.reset();
    }
    server_.Remove(this); // deletes this
}

void Connection::Drain() {
    draining_ = true;
    keep_alive_ = false;
    if (!exchange_)
        ScheduleProgress();
}

void Connection::Abort() {
    CloseNow();
}

void Connection::ArmTimer() {
    const ServerLimits& limits = server_.limits();
    TrackBodyRate();
    TimerKind kind = TimerKind::none;
    std::uint64_t ms = 0;
    if (lingering_) {
        kind = TimerKind::linger;
        ms = kLingerMs;
    } else if (!exchange_) {
        if (head_started_ || !pending_input_.empty() || requests_served_ == 0) {
            kind = TimerKind::head;
            ms = limits.header_timeout_ms;
        } else {
            kind = TimerKind::idle;
            ms = std::min(limits.idle_timeout_ms, limits.header_timeout_ms * 6);
        }
    } else if (QueuedBytes() > 0) {
        kind = TimerKind::write;
        ms = limits.idle_timeout_ms;
    } else if (socket_.IsReading()) {
        kind = TimerKind::body;
        ms = limits.body_timeout_ms;
    }
    if (kind == TimerKind::none) {
        timer_.Stop();
        timer_kind_ = kind;
        return;
    }
    // The head deadline is absolute (slowloris: a byte every few seconds does
    // not extend it); the others measure inactivity and restart on progress.
    if (kind == TimerKind::head && timer_kind_ == TimerKind::head && timer_.IsActive())
        return;
    timer_kind_ = kind;
    timer_.Start(ms);
}

void Connection::TrackBodyRate() {
    const ServerLimits& limits = server_.limits();
    using State = Exchange::BodyState;
    const bool body_phase = limits.min_body_rate > 0 && !lingering_ && !closing_ && exchange_ &&
                            exchange_->request_.has_body && !exchange_->message_complete_ &&
                            exchange_->body_state_ != State::aborted;
    if (!body_phase) {
        if (rate_timer_.IsActive())
            rate_timer_.Stop();
        body_rate_.counting = false;
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!rate_timer_.IsActive() || body_rate_.request != requests_served_) {
        // A new request body: measure it from here.
        body_rate_ = {};
        body_rate_.request = requests_served_;
        rate_timer_.Start(limits.body_rate_window_ms, limits.body_rate_window_ms);
    }
    // Only while sealpost reads the socket for this body does the clock run.
    const State state = exchange_->body_state_;
    const bool reading =
        socket_.IsReading() && !parser_paused_ &&
        (state == State::buffering || state == State::streaming || state == State::discarding);
    if (body_rate_.counting && !reading) {
        body_rate_.reading += now - body_rate_.since;
        body_rate_.counting = false;
    } else if (!body_rate_.counting && reading) {
        body_rate_.since = now;
        body_rate_.counting = true;
    }
}

void Connection::OnBodyRateTick() {
    const ServerLimits& limits = server_.limits();
    if (body_rate_.counting) {
        const auto now = std::chrono::steady_clock::now();
        body_rate_.reading += now - body_rate_.since;
        body_rate_.since = now;
    }
    using std::chrono::milliseconds;
    const auto reading_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<milliseconds>(body_rate_.reading).count());
    if (body_rate_.grace) {
        // The first window is grace (the client starting up, TCP slow start).
        body_rate_.grace = false;
    } else if (reading_ms < limits.body_rate_window_ms / 2) {
        // Mostly waiting on sealpost itself: too little to judge, keep adding.
        return;
    } else if (body_rate_.bytes * 1000 < limits.min_body_rate * reading_ms) {
        log::Write(log::Level::warn, "body_too_slow",
                   {{"ip", client_ip_},
                    {"route", exchange_ && !exchange_->route_.empty() ? exchange_->route_
                                                                      : std::string("(none)")},
                    {"bytes", std::to_string(body_rate_.bytes)},
                    {"ms", std::to_string(reading_ms)},
                    {"min_body_rate", std::to_string(limits.min_body_rate)}});
        rate_timer_.Stop();
        CutBody("the request body arrived too slowly");
        return;
    }
    body_rate_.bytes = 0;
    body_rate_.reading = {};
}

void Connection::CutBody(std::string_view detail) {
    if (exchange_ && !exchange_->responded_) {
        Fail(408, detail);
        Progress();
        return;
    }
    CloseNow();
}

void Connection::OnTimeout() {
    switch (timer_kind_) {
    case TimerKind::head:
        log::Write(log::Level::info, "header_timeout", {{"ip", client_ip_}});
        Fail(408, "the request head was not received in time");
        Progress();
        return;
    case TimerKind::body:
        CutBody("the request body stalled");
        return;
    case TimerKind::idle:
    case TimerKind::write:
    case TimerKind::linger:
    case TimerKind::none:
        CloseNow();
        return;
    }
}

} // namespace sealpost::http
