// The head of one HTTP request as parsed from the wire, plus the route
// parameters the router extracted. Owned by the Exchange; loop thread only.
#pragma once

#include "http/Headers.hxx"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::http {

struct Request {
    std::string method; ///< upper-case token, e.g. "GET"
    std::string target; ///< as sent: path and query
    std::string path;   ///< target without the query, still percent-encoded
    std::string query;  ///< without the '?'
    unsigned version_minor = 1;
    Headers headers;
    bool has_body = false; ///< Content-Length > 0 or chunked
    bool chunked = false;
    std::optional<std::uint64_t> content_length;
    std::string client_ip;
    /// X-Request-Id of the response and the request log line (RequestId.hxx).
    std::string request_id;
    bool tls = false;
    std::map<std::string, std::string, std::less<>> params; ///< from the route pattern, decoded

    /// First value of a query parameter, percent-decoded ('+' is a space).
    std::optional<std::string> QueryParam(std::string_view name) const;
    /// Every value of a repeated query parameter (`?to=a&to=b`).
    std::vector<std::string> QueryParams(std::string_view name) const;
    std::string_view Param(std::string_view name) const;
};

/// Percent-decoding; nullopt on malformed escapes. `plus_is_space` for query strings.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

} // namespace sealpost::http
