// Counters and gauges for the Prometheus /metrics page. Updated on the loop
// thread; the atomics make reads from other threads (tests) safe.
#pragma once

#include "http/Body.hxx"

#include <atomic>
#include <cstdint>
#include <memory>
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

/// Counts one upload or download as in flight for as long as it lives.
class InFlight {
public:
    explicit InFlight(std::atomic<std::int64_t>& gauge) noexcept : gauge_(gauge) { ++gauge_; }
    ~InFlight() { --gauge_; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

private:
    std::atomic<std::int64_t>& gauge_;
};

/// Wraps a response source so the download counts as in flight until the
/// source is gone (finished or cancelled).
std::unique_ptr<ResponseSource> CountInFlight(std::unique_ptr<ResponseSource> source,
                                              std::atomic<std::int64_t>& gauge);

} // namespace sealpost::http
