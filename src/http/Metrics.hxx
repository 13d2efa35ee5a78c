// Counters and gauges for the Prometheus /metrics page. Updated on the loop
// thread; the atomics make reads from other threads (tests) safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace sealpost::http {

struct Metrics {
    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> connections_rejected{0};
    std::atomic<std::uint64_t> requests_by_class[6]{}; ///< index = status / 100
    std::atomic<std::uint64_t> bytes_in{0};
    std::atomic<std::uint64_t> bytes_out{0};
    std::atomic<std::int64_t> uploads_in_flight{0};
    std::atomic<std::int64_t> downloads_in_flight{0};

    void CountRequest(int status) noexcept;
    /// Prometheus text exposition format 0.0.4.
    std::string Render() const;
};

} // namespace sealpost::http
