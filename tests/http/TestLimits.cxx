// Every limit over real sockets: 431, 414, 413 (declared and while streaming),
// 408 for slow heads and stalled bodies, idle close, max connections.
#include "TestServer.hxx"

#include <catch2/catch.hpp>

#include <thread>

using namespace sealpost;
using namespace sealpost::test;
using http::Exchange;
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
