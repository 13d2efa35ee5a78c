// The Date header value (RFC 5322 §3.3), always in UTC:
// "Tue, 01 Jul 2025 08:05:09 +0000". Pure function; safe from any thread.
#pragma once

#include <chrono>
#include <string>

namespace sealpost {

std::string FormatMailDate(std::chrono::system_clock::time_point time);

} // namespace sealpost
