#include "policy/PolicyJson.hxx"
#include "policy/SenderPolicy.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using nlohmann::json;

TEST_CASE("password check JSON has the shape of the OpenAPI document") {
    const PasswordPolicy policy;
    CHECK(PasswordCheckToJson(policy.Check("Gx7#mPq2vLz!")) ==
          json{{"ok", true}, {"violations", json::array()}});

    const json weak = PasswordCheckToJson(policy.Check("Short1"));
    CHECK(weak == json::parse(R"J({"ok": false, "violations": [
        {"rule": "min_length", "message": "must be at least 12 characters long (it is 6)"}]})J"));
}

TEST_CASE("policy check JSON has the shape of the OpenAPI document") {
    const std::vector<std::string> internal{"regionuppsala.se"};
    const SenderPolicy policy{internal};

    CHECK(
        PolicyCheckToJson(policy.Check("bo@example.com", ParseRecipients("a@regionuppsala.se"))) ==
        json{{"allowed", true}, {"failed_recipients", json::array()}});

    const json refused =
        PolicyCheckToJson(policy.Check("bo@example.com", ParseRecipients("x@gmail.com, junk")));
    CHECK(refused == json::parse(R"J({"allowed": false, "failed_recipients": [
        {"email": "x@gmail.com", "reason": "external_to_external"},
        {"email": "junk", "reason": "invalid_address"}]})J"));

    const json no_one = PolicyCheckToJson(policy.Check("bo@example.com", ParsedRecipients{}));
    CHECK(no_one["allowed"] == false);
    CHECK(no_one["problem"]["reason"] == "no_recipients");
}

TEST_CASE("recipients from JSON: a string, an array of strings, junk") {
    auto parsed = ParseRecipientsJson(json("a@x.se, b@x.se"));
    CHECK(parsed.addresses.size() == 2);

    parsed = ParseRecipientsJson(json::parse(R"J(["a@x.se b@x.se", "A@X.SE;c@x.se", 7, null])J"));
    REQUIRE(parsed.addresses.size() == 3);
    CHECK(parsed.addresses[2].ToString() == "c@x.se");
    REQUIRE(parsed.invalid.size() == 2);
    CHECK(parsed.invalid[0].entry == "7");
    CHECK(parsed.invalid[0].error.code == "not_a_string");

    CHECK(ParseRecipientsJson(json()).Empty());
    parsed = ParseRecipientsJson(json{{"to", "a@x.se"}});
    CHECK(parsed.addresses.empty());
    CHECK(parsed.invalid.at(0).error.code == "not_a_string");
}
