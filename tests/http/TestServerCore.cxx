// The HTTP server over real loopback sockets: keep-alive, pipelining, chunked
// and 100-continue bodies, HEAD, error shapes, graceful shutdown.
#include "TestServer.hxx"
#include "lib/uv/Timer.hxx"

#include <catch2/catch.hpp>

#include <thread>

using namespace sealpost;
using namespace sealpost::test;
using http::Exchange;
using http::Response;

namespace {

void AddEcho(TestServer& ts) {
    ts.router.Add("GET", "/hello/{name}", [](Exchange& ex) {
        ex.Respond(Response::Text(200, "hello " + std::string(ex.request().Param("name"))));
    });
    ts.router.Add("POST", "/echo",
                  [](Exchange& ex) { ex.Respond(Response::Text(200, ex.body())); });
    // Answers after `ms` milliseconds of loop time, from a timer.
    ts.router.Add("GET", "/delay/{ms}", [](Exchange& ex) {
        const auto ms = std::stoul(std::string(ex.request().Param("ms")));
        auto ref = ex.Ref();
        auto timer = std::make_shared<std::unique_ptr<uv::Timer>>();
        *timer = std::make_unique<uv::Timer>(ex.loop(), [ref, timer, ms] {
            if (auto* e = ref.get())
                e->Respond(Response::Text(200, "after " + std::to_string(ms)));
            timer->reset();
        });
        (*timer)->Start(ms);
    });
}

} // namespace

TEST_CASE("keep-alive serves several requests on one connection") {
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    {
        RawClient client(ts.port());
        for (int i = 0; i < 3; ++i) {
            REQUIRE(
                client.Send("GET /hello/n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            auto r = client.ReadResponse();
            CHECK(r.status == 200);
            CHECK(r.body == "hello n" + std::to_string(i));
            CHECK(r.headers["x-content-type-options"] == "nosniff");
            CHECK(r.headers["referrer-policy"] == "no-referrer");
            CHECK(r.headers.count("connection") == 0);
        }
        // HTTP/1.0 without keep-alive closes after the response.
        REQUIRE(client.Send("GET /hello/old HTTP/1.0\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(r.body == "hello old");
        CHECK(r.headers["connection"] == "close");
        CHECK(client.IsClosed());
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("pipelined requests are answered in order even when the first is slow") {
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /delay/150 HTTP/1.1\r\nHost: x\r\n\r\n"
                            "GET /hello/second HTTP/1.1\r\nHost: x\r\n\r\n"
                            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthird"
                            "GET /delay/10 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        CHECK(client.ReadResponse().body == "after 150");
        CHECK(client.ReadResponse().body == "hello second");
        CHECK(client.ReadResponse().body == "third");
        auto last = client.ReadResponse();
        CHECK(last.body == "after 10");
        CHECK(last.headers["connection"] == "close");
        CHECK(client.IsClosed());
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("chunked request bodies and 100-continue") {
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(r.status == 200);
        CHECK(r.body == "hello world!");

        REQUIRE(client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                            "Expect: 100-continue\r\n\r\n"));
        CHECK(client.ReadUntil("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
        REQUIRE(client.Send("body"));
        r = client.ReadResponse();
        CHECK(r.status == 200);
        CHECK(r.body == "body");

        // An expectation we cannot meet.
        REQUIRE(client.Send("GET /hello/x HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n"));
        CHECK(client.ReadResponse().status == 417);
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("HEAD, 404, 405 and malformed requests") {
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("HEAD /hello/abc HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto r = client.ReadResponse(true);
        CHECK(r.status == 200);
        CHECK(r.headers["content-length"] == "9");
        REQUIRE(client.Send("GET /api/v1/missing HTTP/1.1\r\nHost: x\r\n\r\n"));
        r = client.ReadResponse();
        CHECK(r.status == 404);
        CHECK(r.headers["content-type"].starts_with("application/problem+json"));
        CHECK(r.body.find("\"status\":404") != std::string::npos);
        // A small unclaimed body is skipped and the connection stays usable.
        REQUIRE(
            client.Send("DELETE /hello/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
        r = client.ReadResponse();
        CHECK(r.status == 405);
        CHECK(r.headers["allow"] == "GET");
        REQUIRE(client.Send("GET /hello/after HTTP/1.1\r\nHost: x\r\n\r\n"));
        CHECK(client.ReadResponse().body == "hello after");
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET / HTTP/1.1\r\nHost x\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(r.status == 400);
        CHECK(client.IsClosed());
    }
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /hello/x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: "
                            "chunked\r\n\r\n"));
        CHECK(client.ReadResponse().status == 400);
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("request smuggling: ambiguous framing is one 400 and the connection closes") {
    // Invariant: a head a proxy in front could read differently (two
    // lengths, a length and a coding, obs-fold, bare LF line ends) gets
    // exactly one answer, a 400, and nothing after it on the connection is
    // read as a request.
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    const std::string follow = "GET /hello/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::pair<const char*, std::string> cases[] = {
        {"CL and TE", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"TE and CL", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Length: 4\r\n\r\n0\r\n\r\n"},
        {"two CL", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n"
                   "\r\nab"},
        {"obs-fold", "GET /hello/a HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n folded\r\n\r\n"},
        {"obs-fold TE", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding:"
                        "\r\n\tchunked\r\n\r\n0\r\n\r\n"},
        {"bare LF", "GET /hello/a HTTP/1.1\nHost: x\n\n"},
        {"bare LF in a field", "GET /hello/a HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n"},
        {"bare LF at the end", "GET /hello/a HTTP/1.1\r\nHost: x\r\n\n"},
        {"bare CR in a field", "GET /hello/a HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n"},
        {"CR and another byte at the end", "GET /hello/a HTTP/1.1\r\nHost: x\r\n\rX"},
    };
    for (const auto& [name, request] : cases) {
        INFO(name);
        RawClient client(ts.port(), 5000);
        REQUIRE(client.Send(request + follow));
        auto r = client.ReadResponse();
        CHECK(r.status == 400);
        CHECK(r.headers["content-type"].starts_with("application/problem+json"));
        CHECK(client.IsClosed());
    }
    // Empty lines before a request line are still skipped, and a head split
    // across writes at every byte is read as one.
    {
        RawClient client(ts.port(), 5000);
        REQUIRE(client.Send("\r\nGET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n"));
        CHECK(client.ReadResponse().body == "hello a");
        const std::string head = "GET /hello/b HTTP/1.1\r\nHost: x\r\nX-A:  b c\r\n\r\n";
        for (const char c : head)
            REQUIRE(client.Send(std::string(1, c)));
        CHECK(client.ReadResponse().body == "hello b");
    }
    CHECK(ts.Stop() == 0);
}

namespace {

// Pauses after every fragment and resumes from a timer, so that what llhttp
// left of a chunked body waits in the connection and is parsed again later.
class PausingEcho final : public http::BodyConsumer {
public:
    explicit PausingEcho(Exchange& ex) : ex_(ex), timer_(ex.loop(), [this] { ex_.ResumeBody(); }) {}
    bool OnBodyData(std::span<const std::uint8_t> data) noexcept override {
        body_.append(reinterpret_cast<const char*>(data.data()), data.size());
        timer_.Start(0);
        return false;
    }
    std::size_t Room() noexcept override { return 3; }
    void OnBodyEnd() noexcept override { ex_.Respond(Response::Text(200, body_)); }
    void OnBodyAbort() noexcept override {}

private:
    Exchange& ex_;
    uv::Timer timer_;
    std::string body_;
};

} // namespace

TEST_CASE("chunked framing: every line end is CRLF, or one 400 and the connection closes") {
    // Invariant: llhttp 8 accepts any byte where a chunk-size line, chunk data
    // or the trailer section ends with CRLF; a proxy in front may frame such a
    // body differently, so each is refused before any of it reaches a handler,
    // and nothing after it on the connection is read as a request.
    TestServer ts;
    AddEcho(ts);
    ts.router.Add(
        "PUT", "/paused",
        [](Exchange& ex) { ex.ReadBody(std::make_unique<PausingEcho>(ex), 1000); },
        http::BodyMode::stream);
    ts.Start();
    const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string follow = "GET /hello/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::pair<const char*, std::string> cases[] = {
        {"bare LF after the size", "5\nhello\r\n0\r\n\r\n"},
        {"bare LF after an extension", "5;a=b\nhello\r\n0\r\n\r\n"},
        {"bare CR after the size", "5\rhello\r\n0\r\n\r\n"},
        {"bare LF after the data", "5\r\nhello\n0\r\n\r\n"},
        {"other bytes after the data", "5\r\nhelloXY0\r\n\r\n"},
        {"CR and other byte after the data", "5\r\nhello\rX0\r\n\r\n"},
        {"bare LF after the last chunk", "5\r\nhello\r\n0\n\r\n"},
        {"bare LF ending the body", "5\r\nhello\r\n0\r\n\n"},
        {"CR and other byte ending the body", "5\r\nhello\r\n0\r\n\rX"},
        {"bare LF after a trailer", "5\r\nhello\r\n0\r\nX-T: 1\n\r\n"},
        {"obs-fold in the trailers", "5\r\nhello\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"},
        {"no size", "\r\nhello\r\n0\r\n\r\n"},
        {"17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n"},
    };
    for (const auto& [name, body] : cases) {
        INFO(name);
        for (const bool bytewise : {false, true}) {
            RawClient client(ts.port(), 5000);
            const std::string request = head + body + follow;
            if (bytewise) {
                for (const char c : request)
                    if (!client.Send(std::string(1, c)))
                        break;
            } else {
                REQUIRE(client.Send(request));
            }
            auto r = client.ReadResponse();
            CHECK(r.status == 400);
            CHECK(r.headers["content-type"].starts_with("application/problem+json"));
            CHECK(r.body.find("chunk") != std::string::npos);
            CHECK(client.IsClosed());
        }
    }
    // Well-formed framing is still read, also with extensions, trailers,
    // pipelining, a consumer pausing on every fragment, and writes cut
    // anywhere.
    const std::string good = "5\r\nhello\r\n1;ext=\"q\";x\r\n \r\n6\r\nworld!\r\n0\r\n"
                             "X-Trailer: 1\r\n\r\n";
    for (const std::string path : {"POST /echo", "PUT /paused"}) {
        const std::string request = path +
                                    " HTTP/1.1\r\nHost: x\r\n"
                                    "Transfer-Encoding: chunked\r\n\r\n" +
                                    good + "GET /hello/after HTTP/1.1\r\nHost: x\r\n\r\n";
        for (const std::size_t cut : {1u, 2u, 7u, 1000u}) {
            INFO(path << " cut " << cut);
            RawClient client(ts.port(), 5000);
            for (std::size_t at = 0; at < request.size(); at += cut)
                REQUIRE(client.Send(std::string_view(request).substr(at, cut)));
            auto r = client.ReadResponse();
            CHECK(r.status == 200);
            CHECK(r.body == "hello world!");
            r = client.ReadResponse();
            CHECK(r.status == 200);
            CHECK(r.body == "hello after");
        }
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("graceful shutdown finishes a request in flight and closes idle connections") {
    TestServer ts;
    AddEcho(ts);
    ts.Start();
    RawClient idle(ts.port());
    REQUIRE(idle.Send("GET /hello/idle HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK(idle.ReadResponse().status == 200);

    RawClient busy(ts.port());
    REQUIRE(busy.Send("GET /delay/300 HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::thread stopper([&] { CHECK(ts.Stop() == 0); });
    auto r = busy.ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.body == "after 300");
    CHECK(r.headers["connection"] == "close");
    CHECK(busy.IsClosed());
    CHECK(idle.IsClosed());
    stopper.join();
}
