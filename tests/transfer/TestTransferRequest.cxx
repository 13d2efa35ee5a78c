// The pure parser of POST /api/v1/transfers: every member, its defaults, wrong
// types and limits, each refused with a 400 problem that names the member; and the
// JSON body helpers it is built on (size limit, not an object).
#include "transfer/TransferRequest.hxx"

#include "http/Response.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using namespace sealpost::transfer;
using nlohmann::json;

namespace {

const TransferRequestLimits kLimits{.max_retention_days = 10};

TransferRequest Parsed(const json& body) {
    auto result = ParseTransferRequest(body, kLimits);
    if (const auto* problem = std::get_if<http::JsonProblem>(&result))
        FAIL("refused: " << problem->detail);
    return std::get<TransferRequest>(std::move(result));
}

/// The detail of the 400 the body gets.
std::string Refusal(const json& body) {
    auto result = ParseTransferRequest(body, kLimits);
    const auto* problem = std::get_if<http::JsonProblem>(&result);
    REQUIRE(problem != nullptr);
    CHECK(problem->status == 400);
    return problem->detail;
}

} // namespace

TEST_CASE("every member of a full request is read", "[transfer]") {
    const auto r = Parsed({{"sender", "anna@regionuppsala.se"},
                           {"recipients", {"bo@example.com", "Carl <carl@akademiska.se>"}},
                           {"cc", "dan@example.com; eva@example.com"},
                           {"bcc", {"fia@example.com"}},
                           {"retention_days", 7},
                           {"message", "the confidential message\nline two"},
                           {"language", "sv"},
                           {"notify_on_provided", false},
                           {"notify_on_download", true},
                           {"show_filenames", true},
                           {"password_mode", "manual"},
                           {"password", "Correct-Horse-9"},
                           {"notification", {{"subject", "Files"}, {"body", "Hello,\nsee below"}}},
                           {"sender_name", "Anna"},
                           {"sender_phone", "+46 18 000"}});
    CHECK(r.sender == "anna@regionuppsala.se");
    REQUIRE(r.to.addresses.size() == 2);
    CHECK(r.to.addresses[1].ToString() == "carl@akademiska.se");
    CHECK(r.cc.addresses.size() == 2);
    CHECK(r.bcc.addresses.size() == 1);
    CHECK(r.retention_days == 7u);
    CHECK(r.message == "the confidential message\nline two");
    CHECK(r.language == "sv");
    CHECK_FALSE(r.notify_on_provided);
    CHECK(r.notify_on_download);
    CHECK(r.show_filenames);
    CHECK(r.password_mode == PasswordMode::manual);
    CHECK(r.password == "Correct-Horse-9");
    CHECK(r.subject == "Files");
    CHECK(r.body == "Hello,\nsee below");
    CHECK(r.sender_name == "Anna");
    CHECK(r.sender_phone == "+46 18 000");
}

TEST_CASE("absent and null members take their defaults", "[transfer]") {
    for (const json& body : {json::object(), json{{"sender", nullptr},
                                                  {"retention_days", nullptr},
                                                  {"message", nullptr},
                                                  {"language", nullptr},
                                                  {"notify_on_provided", nullptr},
                                                  {"notification", nullptr},
                                                  {"password_mode", nullptr}}}) {
        const auto r = Parsed(body);
        CHECK(r.sender.empty());
        CHECK(r.to.Empty());
        CHECK_FALSE(r.retention_days);
        CHECK_FALSE(r.message);
        CHECK(r.language.empty());
        CHECK(r.notify_on_provided);
        CHECK_FALSE(r.notify_on_download);
        CHECK_FALSE(r.show_filenames);
        CHECK(r.password_mode == PasswordMode::manual);
        CHECK(r.password.empty());
        CHECK(r.subject.empty());
        CHECK(r.body.empty());
    }
    CHECK_FALSE(Parsed({{"message", ""}}).message); // an empty message is none
    CHECK(Parsed({{"password_mode", "generated"}}).password_mode == PasswordMode::generated);
    CHECK(Parsed({{"password_mode", "quick"}}).password_mode == PasswordMode::quick);
    CHECK(Parsed({{"password_mode", ""}}).password_mode == PasswordMode::manual);
    // Unusable recipients are kept for the answer, not refused here.
    CHECK(Parsed({{"recipients", {"not-an-address"}}}).to.invalid.size() == 1);
    CHECK(Parsed({{"recipients", {42}}}).to.invalid.size() == 1);
}

TEST_CASE("wrong types are refused naming the member", "[transfer]") {
    CHECK(Refusal({{"sender", 42}}) == "sender must be a string");
    CHECK(Refusal({{"retention_days", "7"}}) ==
          "retention_days must be a whole number from 1 to 10");
    CHECK(Refusal({{"retention_days", 1.5}}) ==
          "retention_days must be a whole number from 1 to 10");
    CHECK(Refusal({{"language", true}}) == "language must be a string");
    CHECK(Refusal({{"notify_on_provided", "yes"}}) == "notify_on_provided must be true or false");
    CHECK(Refusal({{"notify_on_download", 1}}) == "notify_on_download must be true or false");
    CHECK(Refusal({{"show_filenames", "false"}}) == "show_filenames must be true or false");
    CHECK(Refusal({{"message", json::array()}}) == "message must be a string or null");
    CHECK(Refusal({{"notification", "text"}}) == "notification must be an object");
    CHECK(Refusal({{"notification", {{"subject", 1}}}}) == "subject must be a string");
    CHECK(Refusal({{"notification", {{"body", false}}}}) == "body must be a string");
    CHECK(Refusal({{"password_mode", 1}}) == "password_mode must be a string");
    CHECK(Refusal({{"password", json::object()}}) == "password must be a string");
    CHECK(Refusal({{"sender_name", 1}}) == "sender_name must be a string");
    CHECK(Refusal({{"sender_phone", json::array()}}) == "sender_phone must be a string");
}

TEST_CASE("values outside their limits are refused", "[transfer]") {
    CHECK(Refusal({{"retention_days", 0}}) == "retention_days must be a whole number from 1 to 10");
    CHECK(Refusal({{"retention_days", 11}}) ==
          "retention_days must be a whole number from 1 to 10");
    CHECK(Refusal({{"retention_days", -3}}) ==
          "retention_days must be a whole number from 1 to 10");
    CHECK(Refusal({{"retention_days", 18446744073709551615ull}}) ==
          "retention_days must be a whole number from 1 to 10");
    CHECK(Parsed({{"retention_days", 10}}).retention_days == 10u);
    CHECK(Parsed({{"retention_days", 1}}).retention_days == 1u);
    CHECK(Refusal({{"language", "de"}}) == "language must be \"en\" or \"sv\"");
    CHECK(Refusal({{"password_mode", "none"}}) ==
          "password_mode must be manual, generated or quick");
    CHECK(Refusal({{"sender", std::string(255, 'a')}}) == "sender must be at most 254 bytes");
    CHECK(Refusal({{"sender", "anna@regionuppsala.se\r\nBcc: x@example.com"}}) ==
          "sender must not contain control characters");
    CHECK(Refusal({{"notification", {{"subject", std::string(201, 's')}}}}) ==
          "subject must be at most 200 bytes");
    // A line break in the subject is folded when the mail is rendered, not refused.
    CHECK(Parsed({{"notification", {{"subject", "Files\r\nBcc: x@example.com"}}}}).subject ==
          "Files\r\nBcc: x@example.com");
    CHECK(Refusal({{"notification", {{"body", std::string(10'001, 'b')}}}}) ==
          "body must be at most 10000 bytes");
    CHECK(Parsed({{"notification", {{"body", std::string(10'000, 'b')}}}}).body.size() == 10'000);
    CHECK(Refusal({{"password", std::string(1025, 'p')}}) == "password must be at most 1024 bytes");
    CHECK(Refusal({{"sender_name", std::string(201, 'n')}}) ==
          "sender_name must be at most 200 bytes");
    CHECK(Refusal({{"sender_phone", std::string(65, '1')}}) ==
          "sender_phone must be at most 64 bytes");
}

TEST_CASE("JSON bodies: size limit, not JSON, not an object", "[transfer][http]") {
    http::JsonProblem problem;
    CHECK_FALSE(http::ParseJsonObject("", 100, &problem));
    CHECK(problem.status == 400);
    CHECK(problem.detail == "a JSON object is required");
    CHECK_FALSE(http::ParseJsonObject("{\"a\":\"" + std::string(200, 'x') + "\"}", 100, &problem));
    CHECK(problem.status == 413);
    CHECK_FALSE(http::ParseJsonObject("{not json", 100, &problem));
    CHECK(problem.status == 400);
    CHECK(problem.detail == "the body is not a JSON object");
    CHECK_FALSE(http::ParseJsonObject("[1,2]", 100, &problem));
    CHECK(problem.detail == "the body is not a JSON object");
    CHECK(http::ParseJsonObject(R"({"a":1})", 100, &problem) == json{{"a", 1}});
    const auto response = problem.ToResponse();
    CHECK(response.status == 400);
    CHECK(json::parse(response.body)["detail"] == "the body is not a JSON object");
}
