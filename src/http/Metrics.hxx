// The Prometheus /metrics registry: the HTTP server's own counters, gauges
// and request-duration histogram, plus collectors that any module registers
// (AddCollector) to write its series at scrape time. Owned by http::Server;
// counters are updated and collectors added and run on the loop thread; the
// atomics make reads from other threads (tests) safe.
#pragma once

#include "http/Body.hxx"
#include "http/MetricsWriter.hxx"
#include "http/RouteClass.hxx"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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

    /// Upper bounds (seconds) of the request-duration histogram's buckets.
    static constexpr std::array<double, 14> kDurationBuckets{
        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 300, 3600};
    /// Per route class: requests per bucket (not cumulative; the last slot
    /// counts those above every bound) and their total microseconds.
    std::atomic<std::uint64_t> duration_buckets[kRouteClassCount][kDurationBuckets.size() + 1]{};
    std::atomic<std::uint64_t> duration_sum_us[kRouteClassCount]{};

    void CountRequest(int status) noexcept;
    /// A finished request: head received → response sent (or given up).
    void ObserveDuration(RouteClass route_class, double seconds) noexcept;

    /// Writes further series at each scrape (after the server's own). Runs on
    /// the loop thread inside Render(); keep it cheap or cache (a scrape may
    /// come every few seconds).
    using Collector = std::function<void(MetricsWriter&)>;
    void AddCollector(Collector collector) { collectors_.push_back(std::move(collector)); }

    /// Prometheus text exposition format 0.0.4.
    std::string Render() const;

private:
    std::vector<Collector> collectors_;
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
