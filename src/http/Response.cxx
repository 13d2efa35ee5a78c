#include "http/Response.hxx"
#include "http/Status.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::http {

Response Response::Json(int status, const nlohmann::json& value) {
    Response r;
    r.status = status;
    r.headers.Add("Content-Type", "application/json; charset=utf-8");
    r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::Text(int status, std::string text, std::string_view content_type) {
    Response r;
    r.status = status;
    r.headers.Add("Content-Type", std::string(content_type));
    r.body = std::move(text);
    return r;
}

Response Response::Problem(int status, std::string_view detail) {
    return Problem(status, detail, nlohmann::json::object());
}

Response Response::Problem(int status, std::string_view detail, const nlohmann::json& extra) {
    nlohmann::json body = {
        {"type", "about:blank"},
        {"title", std::string(ReasonPhrase(status))},
        {"status", status},
        {"detail", std::string(detail)},
    };
    if (extra.is_object())
        for (const auto& [key, value] : extra.items()) {
            if (key == "status" && value.is_string() && !extra.contains("state"))
                body["state"] = value;
            else if (key != "type" && key != "title" && key != "status" && key != "detail")
                body[key] = value;
        }
    Response r = Json(status, body);
    r.headers.Set("Content-Type", "application/problem+json; charset=utf-8");
    return r;
}

Response Response::Empty(int status) {
    Response r;
    r.status = status;
    return r;
}

} // namespace sealpost::http
