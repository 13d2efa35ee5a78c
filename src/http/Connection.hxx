// One client connection: socket (optionally TLS) → llhttp → Exchange → handler,
// and the way back. Requests are handled one at a time in arrival order, so
// pipelined requests are answered in order; parsing pauses while a handler's
// body consumer is busy (backpressure) and while a response is in progress.
//
// Ownership: created and owned by the Server; it deletes itself through
// Server::Remove() from the socket's close callback, never synchronously from
// a handler call. Loop thread only.
#pragma once

#include "http/ChunkedFraming.hxx"
#include "http/Exchange.hxx"
#include "lib/llhttp/HttpParser.hxx"
#include "lib/uv/Socket.hxx"
#include "lib/uv/Timer.hxx"

#include <chrono>
#include <memory>
#include <string>

namespace sealpost::ssl {
class TlsSession;
}

namespace sealpost::http {

class Server;

class Connection final : uv::SocketHandler, llhttp::ParserHandler {
public:
    Connection(Server& server, std::unique_ptr<ssl::TlsSession> tls);
    ~Connection();

    uv::Socket& socket() noexcept { return socket_; }
    /// Starts reading after the socket was accepted.
    void Start();
    /// Server shutdown: finish the current exchange, then close.
    void Drain();
    /// Immediate close (shutdown timeout).
    void Abort();
    bool idle() const noexcept { return !exchange_; }
    Server& server() noexcept { return server_; }

private:
    friend class Exchange;

    // uv::SocketHandler
    void OnSocketData(std::span<const char> data) noexcept override;
    void OnSocketEnd(int code) noexcept override;
    void OnSocketWritten() noexcept override;
    void OnSocketClosed() noexcept override;
    std::size_t ReadLimit() noexcept override;
    std::span<char> ReadBuffer() noexcept override;
    /// The streaming consumer's ReadBuffer() for the raw body bytes still to
    /// come of a Content-Length body, when the next bytes read are those.
    std::span<char> BodyReadTarget() noexcept;
    /// Whether the body consumer (if one is streaming) can take bytes now.
    bool BodyHasRoom() noexcept;

    // llhttp::ParserHandler
    llhttp::Step OnMessageBegin() noexcept override;
    llhttp::Step OnUrl(std::string_view fragment) noexcept override;
    llhttp::Step OnHeaderField(std::string_view fragment) noexcept override;
    llhttp::Step OnHeaderValue(std::string_view fragment) noexcept override;
    llhttp::Step OnHeaderValueComplete() noexcept override;
    llhttp::Step OnHeadersComplete() noexcept override;
    llhttp::Step OnBody(std::string_view fragment) noexcept override;
    llhttp::Step OnMessageComplete() noexcept override;

    // Input side (Connection.cxx).
    void DrainTls();
    /// Parses `plain`; its first `scanned` bytes already passed the chunked
    /// framing check (bytes put aside when the parser paused inside a body).
    void Process(std::string_view plain, std::size_t scanned = 0);
    bool CanParse() const noexcept;
    void Dispatch();
    llhttp::Step Fail(int status, std::string_view detail);
    /// Checks the line ends of a request head before llhttp reads it; the
    /// reason for a 400, or nullptr. `end` receives how many bytes of `data`
    /// belong to the head (all of them until its empty line came). See
    /// head_scan_ below.
    const char* ScanHead(std::string_view data, std::size_t& end) noexcept;

    // Output side and state machine (ConnectionWrite.cxx).
    void Send(stream::Bytes data);
    void SendRaw(stream::Bytes data);
    std::size_t QueuedBytes() const noexcept;
    /// Runs after every libuv callback and deferred step: finishes the exchange,
    /// resumes parsing, closes, re-arms the timer.
    void Progress();
    void ScheduleProgress();
    void FinishExchange();
    void BeginClose();
    void CloseNow();
    void ArmTimer();
    void OnTimeout();
    /// A body too slow or stalled: 408 if nothing was answered yet, and the
    /// connection closes.
    void CutBody(std::string_view detail);
    /// The minimum body rate (ServerLimits::min_body_rate): starts, stops and
    /// pauses the measurement as the body phase and reading change; called
    /// with every ArmTimer().
    void TrackBodyRate();
    /// Once per body_rate_window while a body is arriving: judges the rate.
    void OnBodyRateTick();

    Server& server_;
    uv::Socket socket_;
    std::unique_ptr<ssl::TlsSession> tls_;
    llhttp::HttpParser parser_;
    uv::Timer timer_;
    uv::Timer deferred_;
    uv::Timer rate_timer_;
    std::string client_ip_;

    // Parsing state of the current head.
    Request head_;
    std::string header_field_, header_value_;
    bool in_header_value_ = false;
    std::size_t head_bytes_ = 0;
    bool head_started_ = false;
    bool parser_paused_ = false;
    bool parser_failed_ = false;
    std::string pending_input_;
    /// How many bytes at the front of pending_input_ were already scanned by
    /// chunk_scan_.
    std::size_t pending_scanned_ = 0;
    /// Line ends of the current head: llhttp (8.x, not strict) accepts a bare
    /// LF as a line end, a bare CR before it, and obs-fold continuation lines,
    /// which proxies in front may read differently (request smuggling); all
    /// are refused here.
    struct HeadScan {
        char previous = 0;
        bool at_line_start = true;
        unsigned lines = 0;
        bool done = false;
    } head_scan_;
    /// The same for the framing of a chunked request body (ChunkedFraming),
    /// while chunk_scanning_: from its head's end to its message's end.
    ChunkedFraming chunk_scan_;
    bool chunk_scanning_ = false;

    std::unique_ptr<Exchange> exchange_;
    bool keep_alive_ = true;
    bool discard_body_ = false;
    bool close_after_response_ = false;
    bool draining_ = false;
    bool peer_closed_ = false;
    bool lingering_ = false;
    bool closing_ = false;
    std::uint64_t requests_served_ = 0;
    /// The body rate of the current request: body bytes and the time sealpost
    /// was reading them since the last judgement. Time the socket is not read
    /// (sealpost's own backpressure, a handler not ready yet) does not count,
    /// so a client is only held to the rate while it is allowed to send.
    struct BodyRate {
        std::uint64_t request = 0; ///< requests_served_ when measuring began
        std::uint64_t bytes = 0;
        std::chrono::steady_clock::duration reading{};
        std::chrono::steady_clock::time_point since{}; ///< when reading resumed
        bool counting = false;
        bool grace = true; ///< the first window is never judged
    } body_rate_;
    enum class TimerKind { none, head, idle, body, write, linger } timer_kind_ = TimerKind::none;
};

} // namespace sealpost::http
