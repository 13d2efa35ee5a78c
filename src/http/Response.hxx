// A response head with an optional in-memory body, and constructors for the
// common shapes (JSON, RFC 9457 problem details, plain text). Value type.
#pragma once

#include "http/Headers.hxx"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace sealpost::http {

struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    static Response Json(int status, const nlohmann::json& value);
    static Response Text(int status, std::string text,
                         std::string_view content_type = "text/plain; charset=utf-8");
    /// application/problem+json {type, title, status, detail} plus `extra` members
    /// (RFC 9457). `status` is always the HTTP status number: `extra` cannot replace
    /// type, title, status or detail. A resource's state (a transfer that is
    /// "revoked") belongs in a member of its own, `state`; a string `status` given
    /// in `extra` is carried as `state` for that reason.
    static Response Problem(int status, std::string_view detail);
    static Response Problem(int status, std::string_view detail, const nlohmann::json& extra);
    static Response Empty(int status);
};

} // namespace sealpost::http
