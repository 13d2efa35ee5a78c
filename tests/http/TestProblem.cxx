// Problem details (RFC 9457): `status` is always the HTTP status number, whatever
// the caller adds; a resource's state goes in `state`.
#include "http/Response.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace sealpost;

TEST_CASE("problem details keep status numeric and carry a resource state as state", "[http]") {
    const auto plain = http::Response::Problem(404, "no such transfer");
    CHECK(plain.status == 404);
    CHECK(plain.headers.Get("content-type") == "application/problem+json; charset=utf-8");
    const auto body = nlohmann::json::parse(plain.body);
    CHECK(body["status"] == 404);
    CHECK(body["title"] == "Not Found");
    CHECK(body["detail"] == "no such transfer");
    CHECK(body["type"] == "about:blank");

    const auto gone = nlohmann::json::parse(
        http::Response::Problem(410, "gone", {{"state", "revoked"}, {"attempts_left", 0}}).body);
    CHECK(gone["status"] == 410);
    CHECK(gone["state"] == "revoked");
    CHECK(gone["attempts_left"] == 0);

    // A caller that still names the state `status` cannot replace the number.
    const auto old_style =
        nlohmann::json::parse(http::Response::Problem(410, "gone", {{"status", "revoked"}}).body);
    CHECK(old_style["status"] == 410);
    CHECK(old_style["state"] == "revoked");

    // Nor can extra members replace the other standard ones.
    const auto hostile = nlohmann::json::parse(
        http::Response::Problem(
            400, "bad", {{"status", 200}, {"type", "x"}, {"title", "OK"}, {"detail", "fine"}})
            .body);
    CHECK(hostile["status"] == 400);
    CHECK(hostile["type"] == "about:blank");
    CHECK(hostile["title"] == "Bad Request");
    CHECK(hostile["detail"] == "bad");
}
