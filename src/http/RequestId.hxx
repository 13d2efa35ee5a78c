// Request ids: the X-Request-Id a response carries and its request log line
// names, so one request can be followed from a proxy's log to sealpost's. A
// well-formed incoming X-Request-Id is kept only from a trusted proxy (the
// server's predicate); otherwise sealpost makes a random one. Pure functions;
// any thread (the random source is per thread).
#pragma once

#include <string>
#include <string_view>

namespace sealpost::http {

/// 1-128 characters of A-Z a-z 0-9 and - _ . : (UUIDs, nginx's $request_id,
/// AWS trace ids); nothing that could split a header or a log line.
bool IsWellFormedRequestId(std::string_view id) noexcept;

/// 32 random lower-case hex digits (128 bits).
std::string NewRequestId();

} // namespace sealpost::http
