// The 429 answer of every rate limit (the OpenAPI document's conventions): problem+json with a
// Retry-After header in seconds and the same number as `retry_after`. Pure function;
// any thread.
#pragma once

#include "http/Response.hxx"

#include <cstdint>

namespace sealpost::security {

http::Response TooManyRequests(std::uint32_t retry_after_seconds);

} // namespace sealpost::security
