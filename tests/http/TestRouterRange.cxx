#include "http/Range.hxx"
#include "http/Request.hxx"
#include "http/Router.hxx"

#include <catch2/catch.hpp>

using namespace sealpost::http;

TEST_CASE("router matches literal segments and parameters") {
    Router router;
    int hit = 0;
    router.Add("GET", "/api/v1/transfers/{id}", [&](Exchange&) { hit = 1; });
    router.Add("PATCH", "/api/v1/transfers/{id}/files/{file_id}", [&](Exchange&) { hit = 2; });
    router.Add("GET", "/static/*", [&](Exchange&) { hit = 3; });

    auto m = router.Find("GET", "/api/v1/transfers/abc%20def");
    REQUIRE(m.route);
    CHECK(m.params.at("id") == "abc def");

    m = router.Find("PATCH", "/api/v1/transfers/t1/files/f2");
    REQUIRE(m.route);
    CHECK(m.params.at("id") == "t1");
    CHECK(m.params.at("file_id") == "f2");

    m = router.Find("GET", "/static/js/app.js");
    REQUIRE(m.route);
    CHECK(m.params.at("*") == "js/app.js");

    CHECK_FALSE(router.Find("GET", "/api/v1/transfers/").route);
    CHECK_FALSE(router.Find("GET", "/api/v1/transfers/a/b").route);
    CHECK_FALSE(router.Find("GET", "/nothing").route);
}

TEST_CASE("router reports allowed methods, falls back from HEAD to GET, rejects bad escapes") {
    Router router;
    router.Add("GET", "/x/{id}", [](Exchange&) {});
    router.Add("DELETE", "/x/{id}", [](Exchange&) {});
    auto m = router.Find("PUT", "/x/1");
    CHECK_FALSE(m.route);
    CHECK(m.allow == "GET, DELETE");
    m = router.Find("HEAD", "/x/1");
    REQUIRE(m.route);
    CHECK(m.route->method == "GET");
    m = router.Find("GET", "/x/%zz");
    CHECK_FALSE(m.route);
    CHECK(m.bad_path);
}

TEST_CASE("query parameters are decoded and may repeat") {
    Request r;
    r.query = "to=a%40x.se&to=b%40y.se&subject=Hello+world&empty=";
    CHECK(r.QueryParams("to") == std::vector<std::string>{"a@x.se", "b@y.se"});
    CHECK(r.QueryParam("subject") == "Hello world");
    CHECK(r.QueryParam("empty") == "");
    CHECK_FALSE(r.QueryParam("missing").has_value());
    CHECK_FALSE(PercentDecode("%4").has_value());
    CHECK(PercentDecode("%41%42") == "AB");
}

TEST_CASE("single byte ranges") {
    ByteRange r{};
    CHECK(ParseRange("bytes=0-99", 1000, r) == RangeResult::satisfiable);
    CHECK((r.first == 0 && r.last == 99));
    CHECK(ParseRange("bytes=65536-", 200000, r) == RangeResult::satisfiable);
    CHECK((r.first == 65536 && r.last == 199999));
    CHECK(ParseRange("bytes=-500", 1000, r) == RangeResult::satisfiable);
    CHECK((r.first == 500 && r.last == 999));
    CHECK(ParseRange("bytes=-5000", 1000, r) == RangeResult::satisfiable);
    CHECK((r.first == 0 && r.last == 999));
    CHECK(ParseRange("bytes=900-2000", 1000, r) == RangeResult::satisfiable);
    CHECK(r.last == 999);
    CHECK(ParseRange("bytes=1000-", 1000, r) == RangeResult::unsatisfiable);
    CHECK(ParseRange("bytes=-0", 1000, r) == RangeResult::unsatisfiable);
    CHECK(ParseRange("bytes=0-", 0, r) == RangeResult::unsatisfiable);
    CHECK(ParseRange("bytes=5-1", 1000, r) == RangeResult::none);
    CHECK(ParseRange("bytes=0-1,5-6", 1000, r) == RangeResult::none);
    CHECK(ParseRange("items=0-1", 1000, r) == RangeResult::none);
    CHECK(ParseRange("bytes=abc", 1000, r) == RangeResult::none);
    CHECK(ParseRange("bytes=99999999999999999999999-", 1000, r) == RangeResult::none);
}
