// Every limit over real sockets: 431, 414, 413 (declared and while streaming),
// 408 for slow heads, stalled bodies and bodies below the minimum rate, idle
// close, max connections.
#include "TestServer.hxx"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;
using http::Exchange;
using http::ExchangeRef;
using http::Response;

namespace {

class DiscardConsumer final : public http::BodyConsumer {
public:
    explicit DiscardConsumer(Exchange& ex) : ex_(ex) {}
    bool OnBodyData(std::span<const std::uint8_t> d) noexcept override {
        n_ += d.size();
        return true;
    }
    void OnBodyEnd() noexcept override { ex_.Respond(Response::Text(200, std::to_string(n_))); }
    void OnBodyAbort() noexcept override { *aborted = true; }
    std::shared_ptr<bool> aborted = std::make_shared<bool>(false);

private:
    Exchange& ex_;
    std::uint64_t n_ = 0;
};

http::ServerLimits SmallLimits() {
    http::ServerLimits limits;
    limits.max_header_size = 1024;
    limits.max_request_body = 100;
    limits.header_timeout_ms = 300;
    limits.idle_timeout_ms = 600;
    limits.body_timeout_ms = 300;
    limits.max_connections = 3;
    return limits;
}

void AddRoutes(TestServer& ts, std::shared_ptr<bool>& last_abort) {
    ts.router.Add("POST", "/small", [](Exchange& ex) {
        ex.Respond(Response::Text(200, std::to_string(ex.body().size())));
    });
    ts.router.Add(
        "PUT", "/upload",
        [&last_abort](Exchange& ex) {
            auto consumer = std::make_unique<DiscardConsumer>(ex);
            last_abort = consumer->aborted;
            ex.ReadBody(std::move(consumer), 1000);
        },
        http::BodyMode::stream);
    ts.router.Add("GET", "/ok", [](Exchange& ex) { ex.Respond(Response::Text(200, "ok")); });
}

} // namespace

TEST_CASE("header and target size limits answer 431 and 414") {
    std::shared_ptr<bool> aborted;
    TestServer ts(SmallLimits());
    AddRoutes(ts, aborted);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') +
                            "\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(r.status == 431);
        CHECK(r.headers["connection"] == "close");
        CHECK(client.IsClosed());
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n"));
        CHECK(client.ReadResponse().status == 414);
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("body limits answer 413, declared or discovered while streaming") {
    std::shared_ptr<bool> aborted;
    TestServer ts(SmallLimits());
    AddRoutes(ts, aborted);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(r.status == 413);
        CHECK(r.headers["content-type"].starts_with("application/problem+json"));
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                            std::string(100, 'x')));
        CHECK(client.ReadResponse().body == "100");
    }
    {
        // Chunked: the size is only discovered while streaming.
        RawClient client(ts.port());
        REQUIRE(
            client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        bool sent = true;
        for (int i = 0; i < 5 && sent; ++i)
            sent = client.Send("1f4\r\n" + std::string(500, 'y') + "\r\n");
        auto r = client.ReadResponse();
        CHECK(r.status == 413);
        CHECK(r.headers["connection"] == "close");
        REQUIRE(aborted);
        CHECK(*aborted);
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"));
        CHECK(client.ReadResponse().status == 413);
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
                            std::string(1000, 'z')));
        CHECK(client.ReadResponse().body == "1000");
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("slow clients get 408 or are closed") {
    std::shared_ptr<bool> aborted;
    TestServer ts(SmallLimits());
    AddRoutes(ts, aborted);
    ts.Start();
    {
        // Slowloris: a byte now and then never completes the head in time.
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /ok HTTP/1.1\r\n"));
        for (int i = 0; i < 4; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            client.Send("X");
        }
        auto r = client.ReadResponse();
        CHECK(r.status == 408);
        CHECK(client.IsClosed());
    }
    {
        // A body that stalls.
        RawClient client(ts.port());
        REQUIRE(client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc"));
        auto r = client.ReadResponse();
        CHECK(r.status == 408);
        REQUIRE(aborted);
        CHECK(*aborted);
    }
    {
        // An idle keep-alive connection is closed without a response.
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"));
        CHECK(client.ReadResponse().status == 200);
        const auto start = std::chrono::steady_clock::now();
        CHECK(client.IsClosed());
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("connections beyond max_connections are refused") {
    std::shared_ptr<bool> aborted;
    TestServer ts(SmallLimits());
    AddRoutes(ts, aborted);
    ts.Start();
    {
        RawClient a(ts.port()), b(ts.port()), c(ts.port());
        for (auto* client : {&a, &b, &c}) {
            REQUIRE(client->Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"));
            CHECK(client->ReadResponse().status == 200);
        }
        RawClient d(ts.port());
        d.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(d.IsClosed());
        CHECK(ts.server().metrics().connections_rejected.load() == 1);
    }
    CHECK(ts.Stop() == 0);
}

namespace {

// Sends `piece` every `interval` from a thread until destroyed or a send fails,
// while the test thread waits for the server's answer.
class Dripper {
public:
    Dripper(RawClient& client, std::string piece, std::chrono::milliseconds interval)
        : thread_([this, &client, piece = std::move(piece), interval] {
              while (!stop_ && client.Send(piece))
                  std::this_thread::sleep_for(interval);
          }) {}
    ~Dripper() {
        stop_ = true;
        thread_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Body rate limits: measured over windows of 200 ms (the first is grace), with
// a silence limit far above the time any of these tests takes.
http::ServerLimits RateLimits() {
    return {.header_timeout_ms = 400,
            .body_timeout_ms = 8000,
            .min_body_rate = 1000,
            .body_rate_window_ms = 200};
}

// Pauses on its first fragment until the test resumes it: sealpost itself
// stops reading (backpressure), as an upload waiting for its disk does.
struct HeldBody {
    ExchangeRef exchange;
    std::atomic<bool> paused{false};
};

class HoldingConsumer final : public http::BodyConsumer {
public:
    HoldingConsumer(Exchange& ex, HeldBody& held) : ex_(ex), held_(held) {
        held_.exchange = ex.Ref();
    }
    bool OnBodyData(std::span<const std::uint8_t> d) noexcept override {
        n_ += d.size();
        if (held_.paused.exchange(true))
            return true;
        return false;
    }
    void OnBodyEnd() noexcept override { ex_.Respond(Response::Text(200, std::to_string(n_))); }
    void OnBodyAbort() noexcept override {}

private:
    Exchange& ex_;
    HeldBody& held_;
    std::uint64_t n_ = 0;
};

} // namespace

TEST_CASE("a head dripping faster than the timeout is cut by header_timeout as a total") {
    // Slowloris on heads. Invariant: header_timeout bounds the whole head, so
    // a client sending a header line every 50 ms (never silent for long) is
    // answered 408 and closed once the head deadline passes.
    TestServer ts(RateLimits());
    ts.router.Add("GET", "/ok", [](Exchange& ex) { ex.Respond(Response::Text(200, "ok")); });
    ts.Start();
    RawClient client(ts.port(), 5000);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(client.Send("GET /ok HTTP/1.1\r\nHost: x\r\n"));
    {
        Dripper drip(client, "X-Slow: a\r\n", std::chrono::milliseconds(50));
        const auto r = client.ReadResponse();
        CHECK(r.status == 408);
        CHECK(r.body.find("request head") != std::string::npos);
        const double seconds = SecondsSince(start);
        CHECK(seconds >= 0.35);
        CHECK(seconds < 2.0);
    }
    CHECK(client.IsClosed());
    CHECK(ts.Stop() == 0);
}

TEST_CASE("a body slower than min_body_rate is answered 408 and closed, though never silent") {
    // Slowloris on bodies: one byte every 20 ms (50 B/s against a minimum of
    // 1000 B/s), so body_timeout (silence) never fires. Invariant: the body is
    // cut after the grace window and one measured window (400 ms, some slack
    // for a loaded machine), the consumer hears the abort, and the
    // connection closes.
    TestServer ts(RateLimits());
    std::shared_ptr<bool> aborted;
    ts.router.Add(
        "PUT", "/upload",
        [&aborted](Exchange& ex) {
            auto consumer = std::make_unique<DiscardConsumer>(ex);
            aborted = consumer->aborted;
            ex.ReadBody(std::move(consumer), 1 << 20);
        },
        http::BodyMode::stream);
    ts.router.Add("POST", "/small", [](Exchange& ex) {
        ex.Respond(Response::Text(200, std::to_string(ex.body().size())));
    });
    ts.Start();
    for (const std::string path : {"PUT /upload", "POST /small"}) {
        INFO(path);
        RawClient client(ts.port(), 5000);
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(client.Send(path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
        {
            Dripper drip(client, "a", std::chrono::milliseconds(20));
            auto r = client.ReadResponse();
            CHECK(r.status == 408);
            CHECK(r.headers["content-type"].starts_with("application/problem+json"));
            CHECK(r.body.find("too slowly") != std::string::npos);
            const double seconds = SecondsSince(start);
            CHECK(seconds >= 0.35);
            CHECK(seconds < 3.0);
        }
        CHECK(client.IsClosed());
    }
    REQUIRE(aborted);
    CHECK(*aborted);
    CHECK(ts.Stop() == 0);
}

TEST_CASE("slow but real bodies, and bodies sealpost itself holds back, are not cut") {
    TestServer ts(RateLimits());
    HeldBody held;
    ts.router.Add(
        "PUT", "/upload",
        [](Exchange& ex) { ex.ReadBody(std::make_unique<DiscardConsumer>(ex), 1 << 20); },
        http::BodyMode::stream);
    ts.router.Add(
        "PUT", "/held",
        [&held](Exchange& ex) {
            ex.ReadBody(std::make_unique<HoldingConsumer>(ex, held), 1 << 20);
        },
        http::BodyMode::stream);
    ts.Start();
    {
        // About 5,000 B/s for 1.2 s (six windows) against a minimum of 1,000
        // (at most 1,250 B/s should each sleep take four times as long).
        RawClient client(ts.port(), 5000);
        REQUIRE(client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 6000\r\n\r\n"));
        for (int i = 0; i < 60; ++i) {
            REQUIRE(client.Send(std::string(100, 'b')));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const auto r = client.ReadResponse();
        CHECK(r.status == 200);
        CHECK(r.body == "6000");
    }
    {
        // The handler stops reading for 1.5 s (seven windows) after the first
        // 100 bytes while the rest waits in the socket: that time is sealpost's,
        // not the client's. Invariant: the body completes once reading resumes.
        RawClient client(ts.port(), 5000);
        REQUIRE(client.Send("PUT /held HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n" +
                            std::string(100, 'h')));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!held.paused && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(held.paused);
        REQUIRE(client.Send(std::string(2900, 'h')));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        ts.RunOnLoop([&held] {
            if (Exchange* ex = held.exchange.get())
                ex->ResumeBody();
        });
        const auto r = client.ReadResponse();
        CHECK(r.status == 200);
        CHECK(r.body == "3000");
    }
    CHECK(ts.Stop() == 0);
}
