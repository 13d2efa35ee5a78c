#include "http/JsonBody.hxx"

#include "http/Exchange.hxx"
#include "http/Response.hxx"

#include <algorithm>

namespace sealpost::http {

Response JsonProblem::ToResponse() const {
    return Response::Problem(status, detail, extra);
}

namespace {

/// Deepest nesting of arrays and objects in `text` (brackets inside strings
/// do not count). Request bodies are refused beyond kMaxJsonDepth before they
/// are parsed: copying or walking a value recurses once per level, and a
/// body of a few hundred kilobytes can nest deep enough to exhaust a stack.
std::size_t NestingDepth(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{')
            deepest = std::max(deepest, ++depth);
        else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return deepest;
}

} // namespace

std::optional<nlohmann::json> ParseJsonObject(std::string_view body, std::size_t max_size,
                                              JsonProblem* problem) {
    const auto fail = [&](int status, std::string detail) {
        if (problem)
            *problem = {status, std::move(detail), nlohmann::json::object()};
        return std::nullopt;
    };
    if (body.empty())
        return fail(400, "a JSON object is required");
    if (body.size() > max_size)
        return fail(413, "the JSON body is larger than " + std::to_string(max_size) + " bytes");
    if (NestingDepth(body) > kMaxJsonDepth)
        return fail(400, "the JSON body is nested more than " + std::to_string(kMaxJsonDepth) +
                             " levels deep");
    auto value = nlohmann::json::parse(body, nullptr, false);
    if (value.is_discarded() || !value.is_object())
        return fail(400, "the body is not a JSON object");
    return value;
}

std::optional<nlohmann::json> JsonBody(Exchange& ex, std::size_t max_size) {
    JsonProblem problem;
    auto value = ParseJsonObject(ex.body(), max_size, &problem);
    if (!value)
        ex.Respond(problem.ToResponse());
    return value;
}

const nlohmann::json* JsonFields::Member(const char* name) const {
    const auto it = object_.find(name);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
}

void JsonFields::Fail(std::string detail, nlohmann::json extra, int status) {
    if (!problem_)
        problem_ = JsonProblem{status, std::move(detail), std::move(extra)};
}

std::optional<std::string> JsonFields::String(const char* name, std::size_t max_size,
                                              std::string fallback, bool allow_controls) {
    const nlohmann::json* member = Member(name);
    if (!member)
        return fallback;
    if (!member->is_string()) {
        Fail(std::string(name) + " must be a string");
        return std::nullopt;
    }
    const auto& value = member->get_ref<const std::string&>();
    if (value.size() > max_size) {
        Fail(std::string(name) + " must be at most " + std::to_string(max_size) + " bytes");
        return std::nullopt;
    }
    if (!allow_controls)
        for (const char c : value)
            if (static_cast<unsigned char>(c) < 0x20) {
                Fail(std::string(name) + " must not contain control characters");
                return std::nullopt;
            }
    return value;
}

std::optional<bool> JsonFields::Bool(const char* name, bool fallback) {
    const nlohmann::json* member = Member(name);
    if (!member)
        return fallback;
    if (!member->is_boolean()) {
        Fail(std::string(name) + " must be true or false");
        return std::nullopt;
    }
    return member->get<bool>();
}

std::optional<std::optional<std::int64_t>> JsonFields::Integer(const char* name, std::int64_t min,
                                                               std::int64_t max) {
    const nlohmann::json* member = Member(name);
    if (!member)
        return std::optional<std::int64_t>();
    bool fits = member->is_number_integer();
    std::int64_t value = 0;
    if (fits && member->is_number_unsigned()) {
        const auto u = member->get<std::uint64_t>();
        fits = max >= 0 && u <= static_cast<std::uint64_t>(max);
        value = fits ? static_cast<std::int64_t>(u) : 0;
    } else if (fits) {
        value = member->get<std::int64_t>();
    }
    if (!fits || value < min || value > max) {
        Fail(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
             std::to_string(max));
        return std::nullopt;
    }
    return std::optional<std::int64_t>(value);
}

} // namespace sealpost::http
