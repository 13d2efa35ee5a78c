#include "security/TooManyRequests.hxx"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace sealpost::security {

http::Response TooManyRequests(std::uint32_t retry_after_seconds) {
    const std::uint32_t seconds = std::max<std::uint32_t>(retry_after_seconds, 1);
    http::Response response = http::Response::Problem(429, "too many attempts; try again later",
                                                      {{"retry_after", seconds}});
    response.headers.Set("Retry-After", std::to_string(seconds));
    return response;
}

} // namespace sealpost::security
