// Reason phrases for HTTP status codes. Pure function, any thread.
#pragma once

#include <string_view>

namespace sealpost::http {

std::string_view ReasonPhrase(int status) noexcept;

} // namespace sealpost::http
