// Limits and timeouts of the HTTP server (from the [server] config section).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sealpost::http {

struct ServerLimits {
    std::size_t max_header_size = 16 * 1024;
    std::uint64_t max_request_body = 1024 * 1024; ///< buffered (JSON) bodies
    std::uint64_t header_timeout_ms = 10'000;
    std::uint64_t idle_timeout_ms = 60'000;
    std::uint64_t body_timeout_ms = 60'000;
    /// Slowest accepted request body, in bytes per second, averaged over each
    /// body_rate_window_ms of the time sealpost was reading it (the first
    /// window is grace); 0 turns the check off.
    std::uint64_t min_body_rate = 1024;
    std::uint64_t body_rate_window_ms = 10'000;
    std::uint64_t shutdown_timeout_ms = 30'000;
    std::size_t max_connections = 1024;
};

} // namespace sealpost::http
