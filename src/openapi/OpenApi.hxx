// The OpenAPI 3.1 description of the HTTP API, compiled into the binary from
// src/openapi/openapi.json, and its answer to GET /api/v1/openapi.json.
// DocumentText(), DocumentETag() and Load() may be called from any thread (the
// text is static data; Load() checks it once, thread-safely). Serve() runs on
// the loop thread like every handler.
#pragma once

#include <string_view>

namespace sealpost::http {
class Exchange;
} // namespace sealpost::http

namespace sealpost::openapi {

/// The document, byte for byte as in src/openapi/openapi.json.
std::string_view DocumentText() noexcept;
/// Its strong ETag, quoted (a SHA-256 prefix of the bytes).
std::string_view DocumentETag() noexcept;

/// The checked document the route serves.
struct Document {
    std::string_view text;
    std::string_view etag;
};

/// Parses the embedded text on the first call and returns it; throws
/// std::runtime_error when it is not a JSON object with an "openapi" version.
/// Call it at start, when the route is added, so a broken build fails there.
const Document& Load();

/// Answers GET (and HEAD) /api/v1/openapi.json: 200 application/json with a
/// cacheable Cache-Control and the ETag, or 304 when If-None-Match matches.
void Serve(const Document& document, http::Exchange& exchange);

} // namespace sealpost::openapi
