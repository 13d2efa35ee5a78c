// JSON request bodies of the API: parsing one object with a size limit, and typed
// member access whose mistakes become problem+json answers (400, or 413 for a body
// over the limit) naming the member. JsonProblem is a value, so pure parsers can
// return it without an exchange; JsonBody() is the handler-side shortcut that
// answers. Pure functions and a value-type reader; any thread (handlers call them
// on the loop thread).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::http {

class Exchange;
struct Response;

/// Why a body or member was refused.
struct JsonProblem {
    int status = 400;
    std::string detail;
    nlohmann::json extra = nlohmann::json::object();

    Response ToResponse() const;
};

/// The default limit of a JSON request body (the server's own limit,
/// server.max_request_body, applies before this).
inline constexpr std::size_t kMaxJsonBody = 256 * 1024;

/// The body as a JSON object; nullopt with *problem set when it is empty, larger
/// than max_size (413), not JSON or not an object.
/// Deepest nesting of arrays and objects a request body may have.
inline constexpr std::size_t kMaxJsonDepth = 32;

std::optional<nlohmann::json> ParseJsonObject(std::string_view body, std::size_t max_size,
                                              JsonProblem* problem);

/// ParseJsonObject on the exchange's body; answers the problem and returns nullopt.
std::optional<nlohmann::json> JsonBody(Exchange& ex, std::size_t max_size = kMaxJsonBody);

/// Reads members of one JSON object. Each getter returns nullopt when the member
/// has the wrong type or breaks its limit, and remembers the first such problem;
/// an absent or null member gives the fallback.
class JsonFields {
public:
    explicit JsonFields(const nlohmann::json& object) : object_(object) {}

    /// A string of at most max_size bytes; control characters (below U+0020) are
    /// refused unless allow_controls (multi-line texts).
    std::optional<std::string> String(const char* name, std::size_t max_size,
                                      std::string fallback = {}, bool allow_controls = false);
    std::optional<bool> Bool(const char* name, bool fallback);
    /// A whole number in [min, max]; nullopt fallback means "absent".
    std::optional<std::optional<std::int64_t>> Integer(const char* name, std::int64_t min,
                                                       std::int64_t max);
    /// The member when present and not null (for nested objects and lists).
    const nlohmann::json* Member(const char* name) const;
    bool Has(const char* name) const { return Member(name) != nullptr; }

    /// Records a problem of the caller's own (the first one wins).
    void Fail(std::string detail, nlohmann::json extra = nlohmann::json::object(),
              int status = 400);
    bool ok() const noexcept { return !problem_; }
    const std::optional<JsonProblem>& problem() const noexcept { return problem_; }

private:
    const nlohmann::json& object_;
    std::optional<JsonProblem> problem_;
};

} // namespace sealpost::http
