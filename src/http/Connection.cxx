// Input side of a connection: socket/TLS bytes → llhttp → the exchange.
#include "http/Connection.hxx"
#include "http/RequestId.hxx"
#include "http/Server.hxx"
#include "lib/ssl/TlsSession.hxx"
#include "log/Log.hxx"

namespace sealpost::http {

using llhttp::Step;

Connection::Connection(Server& server, std::unique_ptr<ssl::TlsSession> tls)
    : server_(server), socket_(server.loop(), *this), tls_(std::move(tls)), parser_(*this),
      timer_(server.loop(), [this] { OnTimeout(); }),
      deferred_(server.loop(), [this] { Progress(); }),
      rate_timer_(server.loop(), [this] { OnBodyRateTick(); }) {}

Connection::~Connection() = default;

void Connection::Start() {
    client_ip_ = socket_.PeerAddress();
    socket_.SetNoDelay(true);
    socket_.StartReading();
    ArmTimer();
}

void Connection::OnSocketData(std::span<const char> data) noexcept {
    server_.metrics().bytes_in.fetch_add(data.size(), std::memory_order_relaxed);
    if (lingering_ || closing_)
        return; // a closing connection only drains what the client still sends
    if (tls_) {
        tls_->Feed(data);
        DrainTls();
    } else {
        Process(std::string_view(data.data(), data.size()));
    }
    Progress();
}

std::size_t Connection::ReadLimit() noexcept {
    // Between requests (and while a handler has not claimed the body yet) a
    // small read: whatever follows the head is copied aside until the handler
    // is ready, and that must not grow with the number of connections.
    constexpr std::size_t kHeadReadSize = 16 * 1024;
    if (lingering_ || closing_)
        return SIZE_MAX;
    if (!exchange_)
        return kHeadReadSize;
    using State = Exchange::BodyState;
    switch (exchange_->body_state_) {
    case State::streaming:
        // Plaintext and body bytes never outnumber the bytes read, so a read
        // of Room() bytes fits the consumer (TLS and chunk framing only shrink it).
        return exchange_->consumer_ ? exchange_->consumer_->Room() : SIZE_MAX;
    case State::buffering:
    case State::discarding:
        return SIZE_MAX;
    default:
        return kHeadReadSize;
    }
}

std::span<char> Connection::BodyReadTarget() noexcept {
    if (lingering_ || closing_ || parser_paused_ || parser_failed_ || !pending_input_.empty() ||
        !exchange_ || exchange_->body_state_ != Exchange::BodyState::streaming ||
        !exchange_->consumer_ || exchange_->request_.chunked || !exchange_->request_.content_length)
        return {};
    const std::uint64_t length = *exchange_->request_.content_length;
    if (exchange_->body_received_ >= length)
        return {};
    const std::span<std::uint8_t> target = exchange_->consumer_->ReadBuffer();
    const auto size = static_cast<std::size_t>(
        std::min<std::uint64_t>(target.size(), length - exchange_->body_received_));
    return {reinterpret_cast<char*>(target.data()), size};
}

std::span<char> Connection::ReadBuffer() noexcept {
    // Plain HTTP only: with TLS the socket carries records (DrainTls decrypts
    // into the target instead).
    return tls_ ? std::span<char>() : BodyReadTarget();
}

bool Connection::BodyHasRoom() noexcept {
    return !exchange_ || exchange_->body_state_ != Exchange::BodyState::streaming ||
           !exchange_->consumer_ || exchange_->consumer_->Room() > 0;
}

void Connection::DrainTls() {
    thread_local char buffer[64 * 1024];
    while (!closing_ && !parser_paused_ && !lingering_) {
        const std::size_t room = ReadLimit();
        if (room == 0)
            break;
        // Plaintext body bytes straight into the consumer's memory when it
        // offers some (no copy), else into this thread's buffer.
        std::span<char> into = BodyReadTarget();
        if (into.empty())
            into = std::span<char>(buffer);
        const auto result = tls_->Read(into.first(std::min(room, into.size())));
        if (result.status == ssl::TlsSession::ReadStatus::data) {
            Process(std::string_view(into.data(), result.length));
            continue;
        }
        if (result.status == ssl::TlsSession::ReadStatus::closed)
            peer_closed_ = true;
        if (result.status == ssl::TlsSession::ReadStatus::error) {
            log::Write(log::Level::debug, "tls_error",
                       {{"ip", client_ip_}, {"reason", tls_->LastError()}});
            SendRaw(tls_->TakeOutput());
            CloseNow();
            return;
        }
        break;
    }
    // Handshake messages and alerts produced while reading.
    SendRaw(tls_->TakeOutput());
}

void Connection::Process(std::string_view plain, std::size_t scanned) {
    // Each pass hands llhttp one piece that the framing checks have seen: a
    // head up to its end, a chunked body up to its end, or anything else.
    do {
        if (closing_ || lingering_ || parser_failed_)
            return;
        if (parser_paused_) {
            pending_input_.append(plain);
            return;
        }
        std::string_view piece = plain;
        const char* refused = nullptr;
        const bool chunk_piece = exchange_ && chunk_scanning_;
        if (!exchange_) {
            std::size_t end = plain.size();
            refused = ScanHead(plain, end);
            piece = plain.substr(0, end);
        } else if (chunk_piece) {
            std::size_t used = 0;
            if (!chunk_scan_.done())
                refused = chunk_scan_.Scan(plain.substr(scanned), used);
            piece = plain.substr(0, scanned + used);
        }
        // The checks and llhttp disagree on where a head or body ends: refused
        // rather than parsed either way.
        if (!refused && piece.empty() && !plain.empty())
            refused = "framing the parser did not finish";
        if (refused) {
            parser_failed_ = true;
            if (!exchange_ || !exchange_->responded_)
                Fail(400, std::string("malformed request: ") + refused);
            close_after_response_ = true;
            return;
        }
        plain.remove_prefix(piece.size());
        scanned = scanned > piece.size() ? scanned - piece.size() : 0;
        const auto result = parser_.Execute(piece);
        switch (result.status) {
        case llhttp::ExecuteResult::Status::ok:
            break;
        case llhttp::ExecuteResult::Status::paused:
            parser_paused_ = true;
            pending_input_.assign(piece.substr(result.consumed));
            // What llhttp left of a chunked piece was scanned already.
            pending_scanned_ = chunk_piece ? piece.size() - result.consumed : 0;
            pending_input_.append(plain);
            return;
        case llhttp::ExecuteResult::Status::error:
            parser_failed_ = true;
            if (!exchange_ || !exchange_->responded_)
                Fail(400,
                     std::string("malformed request: ") + (result.reason ? result.reason : ""));
            close_after_response_ = true;
            return;
        }
    } while (!plain.empty());
}

const char* Connection::ScanHead(std::string_view data, std::size_t& end) noexcept {
    auto& scan = head_scan_;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (scan.done) {
            end = i;
            return nullptr;
        }
        const char c = data[i];
        if (scan.previous == '\r' && c != '\n')
            return "a CR without LF in the head (lines end with CRLF)";
        if (c == '\n') {
            if (scan.previous != '\r')
                return "a bare LF in the head (lines end with CRLF)";
            // An empty line after the request line ends the head (empty
            // lines before it are skipped, as llhttp does).
            if (scan.at_line_start && scan.lines > 0)
                scan.done = true;
            scan.at_line_start = true;
        } else if (c != '\r') {
            if (scan.at_line_start) {
                if ((c == ' ' || c == '\t') && scan.lines > 0)
                    return "obsolete line folding in the head";
                ++scan.lines;
                scan.at_line_start = false;
            }
        }
        scan.previous = c;
    }
    end = data.size();
    return nullptr;
}

bool Connection::CanParse() const noexcept {
    if (closing_ || lingering_ || parser_failed_)
        return false;
    if (!exchange_)
        return true;
    using State = Exchange::BodyState;
    switch (exchange_->body_state_) {
    case State::buffering:
    case State::streaming:
    case State::discarding:
        return true;
    default:
        return false;
    }
}

void Connection::OnSocketEnd(int code) noexcept {
    if (code < 0 || lingering_) {
        CloseNow();
        return;
    }
    peer_closed_ = true;
    if (!exchange_ || !exchange_->message_complete_) {
        // Nothing to answer, or a request that can no longer complete.
        CloseNow();
        return;
    }
    keep_alive_ = false;
    Progress();
}

llhttp::Step Connection::Fail(int status, std::string_view detail) {
    if (!exchange_)
        exchange_ = std::make_unique<Exchange>(*this, std::move(head_));
    close_after_response_ = true;
    exchange_->Abort();
    if (!exchange_->responded_)
        exchange_->Respond(Response::Problem(status, detail));
    return Step::fail;
}

// --- llhttp callbacks ---------------------------------------------------------

Step Connection::OnMessageBegin() noexcept {
    head_ = Request{};
    header_field_.clear();
    header_value_.clear();
    head_bytes_ = 0;
    head_started_ = true;
    return Step::proceed;
}

Step Connection::OnUrl(std::string_view fragment) noexcept {
    head_bytes_ += fragment.size();
    if (head_bytes_ > server_.limits().max_header_size)
        return Fail(414, "request target too long");
    head_.target.append(fragment);
    return Step::proceed;
}

Step Connection::OnHeaderField(std::string_view fragment) noexcept {
    head_bytes_ += fragment.size() + 4; // ": " and CRLF
    if (head_bytes_ > server_.limits().max_header_size || head_.headers.fields().size() >= 128)
        return Fail(431, "request header fields too large");
    header_field_.append(fragment);
    return Step::proceed;
}

Step Connection::OnHeaderValue(std::string_view fragment) noexcept {
    head_bytes_ += fragment.size();
    if (head_bytes_ > server_.limits().max_header_size)
        return Fail(431, "request header fields too large");
    header_value_.append(fragment);
    return Step::proceed;
}

Step Connection::OnHeaderValueComplete() noexcept {
    head_.headers.Add(std::move(header_field_), std::move(header_value_));
    header_field_.clear();
    header_value_.clear();
    return Step::proceed;
}

Step Connection::OnHeadersComplete() noexcept {
    head_.method = std::string(parser_.Method());
    head_.version_minor = parser_.VersionMinor();
    std::string_view target = head_.target;
    if (target.starts_with("http://") || target.starts_with("https://")) {
        // absolute-form: keep only the path and query
        const auto slash = target.find('/', target.find("//") + 2);
        target = slash == std::string_view::npos ? "/" : target.substr(slash);
    }
    const auto q = target.find('?');
    head_.path = std::string(target.substr(0, q));
    head_.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
    head_.chunked = parser_.IsChunked();
    if (parser_.HasContentLength())
        head_.content_length = parser_.ContentLength();
    head_.has_body = head_.chunked || (head_.content_length && *head_.content_length > 0);
    head_.client_ip = client_ip_;
    head_.tls = tls_ != nullptr;
    {
        const auto incoming = head_.headers.Get("x-request-id");
        head_.request_id =
            incoming && IsWellFormedRequestId(*incoming) && server_.TrustsRequestIdFrom(client_ip_)
                ? std::string(*incoming)
                : NewRequestId();
    }
    keep_alive_ = parser_.ShouldKeepAlive() && !draining_ && !peer_closed_;
    head_started_ = false;
    head_scan_ = {}; // the next head is checked afresh
    chunk_scan_ = {};
    chunk_scanning_ = head_.chunked;

    exchange_ = std::make_unique<Exchange>(*this, std::move(head_));
    Dispatch();
    if (closing_)
        return Step::fail;

    using State = Exchange::BodyState;
    if (!exchange_->request_.has_body)
        return Step::proceed;
    switch (exchange_->body_state_) {
    case State::buffering:
    case State::discarding:
        return Step::proceed;
    case State::streaming:
        // Claimed at once: the rest of this read goes to the consumer only if
        // it has room now (otherwise it waits in pending_input_).
        return BodyHasRoom() ? Step::proceed : Step::pause;
    default:
        // Not claimed yet (the handler continues asynchronously), paused, or
        // answered without reading it: wait.
        return Step::pause;
    }
}

Step Connection::OnBody(std::string_view fragment) noexcept {
    // llhttp ends an open body span at the end of every Execute(), also with
    // no byte in it (after a pause, Progress() resumes with what is pending,
    // which may be nothing). A consumer must never see an empty fragment: one
    // that pauses on every fragment would be resumed into another empty one,
    // forever (found by tests/fuzz, http_request).
    if (fragment.empty())
        return Step::proceed;
    Exchange* ex = exchange_.get();
    if (!ex)
        return Step::fail;
    using State = Exchange::BodyState;
    ex->body_received_ += fragment.size();
    body_rate_.bytes += fragment.size();
    switch (ex->body_state_) {
    case State::buffering:
        if (ex->body_received_ > ex->max_body_)
            return Fail(413, "request body too large");
        ex->buffered_body_.append(fragment);
        return Step::proceed;
    case State::streaming: {
        if (ex->body_received_ > ex->max_body_)
            return Fail(413, "request body too large");
        const bool more = ex->consumer_->OnBodyData(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(fragment.data()), fragment.size()));
        if (ex->body_state_ != State::streaming)
            return Step::pause; // the consumer answered early
        if (!more) {
            ex->body_state_ = State::paused;
            return Step::pause;
        }
        return Step::proceed;
    }
    case State::discarding:
        return Step::proceed;
    default:
        return Step::pause;
    }
}

Step Connection::OnMessageComplete() noexcept {
    Exchange* ex = exchange_.get();
    if (!ex)
        return Step::pause;
    using State = Exchange::BodyState;
    ex->message_complete_ = true;
    chunk_scanning_ = false;
    const State previous = ex->body_state_;
    if (previous != State::aborted)
        ex->body_state_ = State::done;
    if (previous == State::buffering && ex->deferred_handler_) {
        try {
            (*ex->deferred_handler_)(*ex);
        } catch (const std::exception& e) {
            log::Write(log::Level::error, "handler_failed", {{"error", e.what()}});
            if (!ex->responded_)
                ex->Respond(Response::Problem(500, "internal error"));
        }
    } else if (previous == State::streaming && ex->consumer_) {
        ex->consumer_->OnBodyEnd();
    }
    // The next pipelined request waits until this exchange is finished.
    return Step::pause;
}

} // namespace sealpost::http

namespace sealpost::http {

void Connection::Dispatch() {
    Exchange& ex = *exchange_;
    Request& req = ex.request_;
    if (parser_.VersionMajor() != 1) {
        ex.Respond(Response::Problem(505, "only HTTP/1.x is supported"));
        return;
    }
    if (auto expect = req.headers.Get("expect"); expect && !ex.expect_continue_) {
        ex.Respond(Response::Problem(417, "only \"Expect: 100-continue\" is supported"));
        return;
    }
    auto match = server_.router().Find(req.method, req.path);
    ex.route_ = std::move(match.pattern);
    if (!match.route) {
        if (match.bad_path) {
            ex.Respond(Response::Problem(400, "malformed percent-encoding in the path"));
        } else if (!match.allow.empty()) {
            Response r = Response::Problem(405, "method not allowed here");
            r.headers.Add("Allow", match.allow);
            ex.Respond(std::move(r));
        } else {
            server_.fallback()(ex);
        }
        return;
    }
    req.params = std::move(match.params);
    if (match.route->body_mode == BodyMode::buffer && req.has_body) {
        const std::uint64_t limit = server_.limits().max_request_body;
        if (req.content_length && *req.content_length > limit) {
            ex.Respond(Response::Problem(413, "request body too large"));
            return;
        }
        ex.body_state_ = Exchange::BodyState::buffering;
        ex.max_body_ = limit;
        ex.deferred_handler_ = &match.route->handler;
        ex.SendContinue();
        return;
    }
    try {
        match.route->handler(ex);
    } catch (const std::exception& e) {
        log::Write(log::Level::error, "handler_failed", {{"error", e.what()}});
        if (!ex.responded_)
            ex.Respond(Response::Problem(500, "internal error"));
    }
}

} // namespace sealpost::http
