// libFuzzer target: the HTTP/1.1 request path of the real server (http/Server,
// Connection, Exchange over llhttp) — heads, Content-Length and chunked bodies,
// pipelined requests, Expect, buffered JSON routes, streamed bodies whose
// consumer pauses and resumes, and streamed (chunked) responses. A server runs
// on a loopback port for the whole run (its loop on a thread of its own); each
// input is sent on a fresh connection, in up to four writes (the first byte
// picks where to cut), then the write side is shut and the answer read to its
// end.
// Invariants: the server closes the connection after the client's end within
// its timeouts (no hang), no answer is a 500, and the server keeps answering
// (a plain GET after each input gets its 200).
#include "../http/TestServer.hxx"
#include "FuzzCheck.hxx"
#include "http/Exchange.hxx"
#include "lib/uv/Timer.hxx"
#include "log/Log.hxx"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

using namespace sealpost;

namespace {

/// Takes the body a few bytes at a time: pauses after every fragment and
/// resumes from a timer, as the storage does when its queue is full.
class SlowConsumer final : public http::BodyConsumer {
public:
    explicit SlowConsumer(http::Exchange& ex)
        : ref_(ex.Ref()), timer_(ex.loop(), [this] { Resume(); }) {}

    bool OnBodyData(std::span<const std::uint8_t> data) noexcept override {
        received_ += data.size();
        timer_.Start(0);
        return false;
    }
    std::size_t Room() noexcept override { return 37; }
    void OnBodyEnd() noexcept override {
        if (http::Exchange* ex = ref_.get(); ex && !ex->responded())
            ex->Respond(http::Response::Text(200, std::to_string(received_) + "\n"));
    }
    void OnBodyAbort() noexcept override { timer_.Stop(); }

private:
    void Resume() {
        if (http::Exchange* ex = ref_.get())
            ex->ResumeBody();
    }
    http::ExchangeRef ref_;
    uv::Timer timer_;
    std::uint64_t received_ = 0;
};

/// Three pieces of a chunked response, each after a turn of the loop.
class PiecesSource final : public http::ResponseSource {
public:
    void Pull(http::ResponseSink& sink) noexcept override {
        ++sent_;
        sink.Push(std::string(100 * sent_, 'x'), sent_ == 3);
    }

private:
    int sent_ = 0;
};

test::TestServer& Server() {
    static test::TestServer* server = [] {
        log::Configure(log::Level::error, log::Format::text); // no request log per input
        http::ServerLimits limits;
        limits.max_header_size = 4096;
        limits.max_request_body = 4096;
        limits.header_timeout_ms = 2000;
        limits.idle_timeout_ms = 2000;
        limits.body_timeout_ms = 2000;
        auto* s = new test::TestServer(limits);
        s->router.Add("GET", "/ok",
                      [](http::Exchange& ex) { ex.Respond(http::Response::Text(200, "ok\n")); });
        s->router.Add("POST", "/json", [](http::Exchange& ex) {
            ex.Respond(http::Response::Text(200, std::to_string(ex.body().size()) + "\n"));
        });
        s->router.Add(
            "PUT", "/upload/{id}",
            [](http::Exchange& ex) {
                if (ex.request().Param("id") == "early") {
                    ex.Respond(http::Response::Problem(409, "answered before the body"));
                    return;
                }
                ex.ReadBody(std::make_unique<SlowConsumer>(ex), 10'000);
            },
            http::BodyMode::stream);
        s->router.Add("GET", "/pieces", [](http::Exchange& ex) {
            ex.RespondStream(http::Response::Empty(200), std::nullopt,
                             std::make_unique<PiecesSource>());
        });
        s->router.Add("DELETE", "/things/{a}/{b}",
                      [](http::Exchange& ex) { ex.Respond(http::Response::Empty(204)); });
        s->Start();
        return s;
    }();
    return *server;
}

std::string Exchange(std::string_view input, std::size_t cut) {
    // Generous: under a loaded machine (nice -n 19) a real server answers slowly;
    // a hang is forever.
    test::RawClient client(Server().port(), 30000);
    int one = 1;
    ::setsockopt(client.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (int i = 0; i < 3 && !input.empty(); ++i) {
        const std::size_t n = std::min(input.size(), cut);
        if (!client.Send(input.substr(0, n)))
            break;
        input.remove_prefix(n);
    }
    if (!input.empty())
        (void)client.Send(input);
    client.ShutdownWrite();
    std::string answer;
    const auto reading = std::chrono::steady_clock::now();
    while (true) {
        std::string piece = client.ReadSome(64 * 1024);
        if (piece.empty())
            break;
        answer += piece;
    }
    const int read_errno = errno;
    if (!client.IsClosed()) {
        std::fprintf(stderr, "read %zu bytes, then nothing for %lld ms (errno %d): %.200s\n",
                     answer.size(),
                     static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - reading)
                                                .count()),
                     read_errno, answer.c_str());
        // Tell a hung connection from a starved process: does a fresh one
        // still get its answer at once?
        const auto start = std::chrono::steady_clock::now();
        test::RawClient fresh(Server().port(), 30000);
        const bool sent = fresh.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto status = sent ? fresh.ReadResponse().status : 0;
        std::fprintf(stderr, "connection not closed; a fresh one answered %d in %lld ms\n", status,
                     static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count()));
        FUZZ_CHECK(!"the server closes the connection after the client's end");
    }
    return answer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t cut = 1 + data[0] * 4u;
    const std::string answer =
        Exchange(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), cut);
    FUZZ_CHECK(answer.find("HTTP/1.1 500") == std::string::npos);

    const std::string check =
        Exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 1000);
    FUZZ_CHECK(check.starts_with("HTTP/1.1 200"));
    return 0;
}
