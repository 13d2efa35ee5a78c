// Reason phrases for HTTP status codes. Pure function, any thread.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace sealpost::http {

std::string_view ReasonPhrase(int status) noexcept;

/// RFC 9110 IMF-fixdate, e.g. "Thu, 26 Nov 2026 13:15:37 GMT".
std::string HttpDate(std::time_t time);

} // namespace sealpost::http
