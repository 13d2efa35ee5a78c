// Per-key rate limits with an injected clock, and the 429 answer with Retry-After
// over a real socket.
#include "security/RateLimiter.hxx"
#include "security/TooManyRequests.hxx"

#include "../http/TestServer.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace sealpost;
using namespace sealpost::security;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    RateLimiter::Clock Get() {
        return [this] { return now; };
    }
};

} // namespace

TEST_CASE("a key gets `limit` hits, then waits for a token", "[security]") {
    FakeClock clock;
    RateLimiter limiter({.limit = 3, .window = 60s}, clock.Get());
    CHECK(limiter.RetryAfter("ip") == 0);
    CHECK(limiter.Take("ip") == 0);
    CHECK(limiter.Take("ip") == 0);
    CHECK(limiter.Take("ip") == 0);
    // One token per 20 s.
    CHECK(limiter.Take("ip") == 20);
    CHECK(limiter.RetryAfter("ip") == 20);
    // Other keys are independent.
    CHECK(limiter.Take("other") == 0);
    clock.now += 15s;
    CHECK(limiter.Take("ip") == 5);
    clock.now += 5s;
    CHECK(limiter.Take("ip") == 0);
    CHECK(limiter.Take("ip") == 20);
    // A refused hit takes nothing: waiting long enough always helps.
    clock.now += 60s;
    for (int i = 0; i < 3; ++i)
        CHECK(limiter.Take("ip") == 0);
    CHECK(limiter.Take("ip") > 0);
    limiter.Reset("ip");
    CHECK(limiter.Take("ip") == 0);
}

TEST_CASE("memory stays bounded: refilled buckets first, then least recently used", "[security]") {
    FakeClock clock;
    RateLimiter limiter({.limit = 2, .window = 10s, .max_keys = 100}, clock.Get());
    for (int i = 0; i < 1000; ++i)
        limiter.Take("k" + std::to_string(i));
    CHECK(limiter.Size() <= 100);

    // A key under attack stays limited while others come and go, as long as it is used.
    RateLimiter busy({.limit = 2, .window = 3600s, .max_keys = 10}, clock.Get());
    busy.Take("victim");
    busy.Take("victim");
    for (int i = 0; i < 100; ++i) {
        CHECK(busy.Take("victim") > 0);
        busy.Take("noise" + std::to_string(i));
    }
    CHECK(busy.Size() <= 10);

    // Refilled buckets are dropped before recently used ones.
    RateLimiter mixed({.limit = 1, .window = 10s, .max_keys = 3}, clock.Get());
    mixed.Take("old");
    clock.now += 20s; // "old" has refilled
    mixed.Take("a");
    mixed.Take("b");
    mixed.Take("c"); // evicts "old", not "a"
    CHECK(mixed.Size() == 3);
    CHECK(mixed.RetryAfter("a") > 0);
}

TEST_CASE("a limited route answers 429 problem+json with Retry-After", "[security]") {
    test::TestServer ts;
    RateLimiter limiter({.limit = 2, .window = 120s});
    ts.router.Add("POST", "/try", [&](http::Exchange& ex) {
        if (const auto wait = limiter.Take(ex.request().client_ip)) {
            ex.Respond(TooManyRequests(wait));
            return;
        }
        ex.Respond(http::Response::Json(200, {{"ok", true}}));
    });
    ts.Start();
    test::RawClient client(ts.port());
    std::vector<int> statuses;
    test::ClientResponse last;
    for (int i = 0; i < 4; ++i) {
        REQUIRE(client.Send("POST /try HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
        last = client.ReadResponse();
        statuses.push_back(last.status);
    }
    CHECK(statuses == std::vector<int>{200, 200, 429, 429});
    CHECK(last.headers["retry-after"] == "60");
    CHECK(last.headers["content-type"].starts_with("application/problem+json"));
    const auto body = nlohmann::json::parse(last.body);
    CHECK(body["status"] == 429);
    CHECK(body["retry_after"] == 60);
    CHECK(ts.Stop() == 0);
}
