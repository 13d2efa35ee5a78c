// Exchange::Hold(): a response made while a hold is out reaches the client only
// once every hold is released (the audit log's records must be on disk before
// the client learns the answer), and a failed release answers 503 instead.
#include "TestServer.hxx"
#include "lib/uv/Timer.hxx"

#include <catch2/catch.hpp>

#include <atomic>

using namespace sealpost;
using namespace sealpost::test;
using http::Exchange;
using http::Response;

namespace {

/// Holds the exchange twice, answers at once, releases the holds after 100 and
/// 300 ms of loop time with `stored`; `released` counts the releases so far.
void AddHeld(TestServer& ts, std::atomic<int>& released) {
    ts.router.Add("GET", "/held/{stored}", [&released](Exchange& ex) {
        const bool stored = ex.request().Param("stored") == "yes";
        std::vector<std::function<void(bool)>> holds{ex.Hold(), ex.Hold()};
        ex.Respond(Response::Text(200, "the answer"));
        CHECK(ex.responded());
        for (int i = 0; i < 2; ++i) {
            auto timer = std::make_shared<std::unique_ptr<uv::Timer>>();
            *timer = std::make_unique<uv::Timer>(
                ex.loop(), [&released, timer, hold = holds[static_cast<std::size_t>(i)],
                            ok = i == 0 || stored]() mutable {
                    ++released;
                    hold(ok);
                    hold(ok); // a second call does nothing
                    timer->reset();
                });
            (*timer)->Start(i == 0 ? 100 : 300);
        }
    });
    // A hold released before the answer does not delay it.
    ts.router.Add("GET", "/released", [](Exchange& ex) {
        ex.Hold()(true);
        ex.Respond(Response::Text(200, "at once"));
    });
}

} // namespace

TEST_CASE("a held response is sent only after the last hold is released", "[http][hold]") {
    // Invariant: no byte of the answer leaves before every hold is released.
    TestServer ts;
    std::atomic<int> released{0};
    AddHeld(ts, released);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /held/yes HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(released.load() == 2);
        CHECK(r.status == 200);
        CHECK(r.body == "the answer");
        // The connection goes on: keep-alive after a held response.
        REQUIRE(client.Send("GET /released HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto again = client.ReadResponse();
        CHECK(again.status == 200);
        CHECK(again.body == "at once");
    }
    CHECK(ts.Stop() == 0);
}

TEST_CASE("a hold released as not stored answers 503 instead", "[http][hold]") {
    TestServer ts;
    std::atomic<int> released{0};
    AddHeld(ts, released);
    ts.Start();
    {
        RawClient client(ts.port());
        REQUIRE(client.Send("GET /held/no HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto r = client.ReadResponse();
        CHECK(released.load() == 2);
        CHECK(r.status == 503);
        CHECK(r.body.find("the answer") == std::string::npos);
        CHECK(r.headers["content-type"].starts_with("application/problem+json"));
    }
    CHECK(ts.Stop() == 0);
}
