#include "http/Metrics.hxx"

#include <fmt/format.h>

namespace sealpost::http {

void Metrics::CountRequest(int status) noexcept {
    const int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        requests_by_class[cls].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ObserveDuration(RouteClass route_class, double seconds) noexcept {
    const auto cls = static_cast<std::size_t>(route_class);
    std::size_t bucket = 0;
    while (bucket < kDurationBuckets.size() && seconds > kDurationBuckets[bucket])
        ++bucket;
    duration_buckets[cls][bucket].fetch_add(1, std::memory_order_relaxed);
    duration_sum_us[cls].fetch_add(static_cast<std::uint64_t>(seconds * 1e6),
                                   std::memory_order_relaxed);
}

std::string Metrics::Render() const {
    MetricsWriter writer;
    std::string& out = writer.text();
    auto metric = [&](std::string_view name, std::string_view type, std::string_view help,
                      auto value) {
        out +=
            fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
    };
    metric("sealpost_connections_open", "gauge", "Open client connections.",
           connections_open.load());
    metric("sealpost_connections_total", "counter", "Accepted client connections.",
           connections_total.load());
    metric("sealpost_connections_rejected_total", "counter",
           "Connections refused because max_connections was reached.", connections_rejected.load());
    out += "# HELP sealpost_http_requests_total Answered HTTP requests by status class.\n"
           "# TYPE sealpost_http_requests_total counter\n";
    for (int cls = 1; cls <= 5; ++cls)
        out += fmt::format("sealpost_http_requests_total{{class=\"{}xx\"}} {}\n", cls,
                           requests_by_class[cls].load());
    metric("sealpost_http_received_bytes_total", "counter", "Bytes received from clients.",
           bytes_in.load());
    metric("sealpost_http_sent_bytes_total", "counter", "Bytes sent to clients.", bytes_out.load());
    metric("sealpost_uploads_in_flight", "gauge", "Uploads currently receiving data.",
           uploads_in_flight.load());
    metric("sealpost_downloads_in_flight", "gauge", "Downloads currently sending data.",
           downloads_in_flight.load());

    constexpr std::string_view kDuration = "sealpost_http_request_duration_seconds";
    writer.Family(kDuration, "histogram",
                  "Time from a request's head to its last response byte, by route class "
                  "(static, api, upload, download, admin, service).");
    for (std::size_t cls = 0; cls < kRouteClassCount; ++cls) {
        const std::string_view name = ToString(static_cast<RouteClass>(cls));
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < kDurationBuckets.size(); ++b) {
            cumulative += duration_buckets[cls][b].load(std::memory_order_relaxed);
            writer.Sample(fmt::format("{}_bucket", kDuration),
                          {{"class", name}, {"le", fmt::format("{}", kDurationBuckets[b])}},
                          cumulative);
        }
        cumulative += duration_buckets[cls][kDurationBuckets.size()].load();
        // Count and +Inf from the bucket sum, so they agree within one scrape.
        writer.Sample(fmt::format("{}_bucket", kDuration), {{"class", name}, {"le", "+Inf"}},
                      cumulative);
        writer.Sample(fmt::format("{}_sum", kDuration), {{"class", name}},
                      static_cast<double>(duration_sum_us[cls].load()) / 1e6);
        writer.Sample(fmt::format("{}_count", kDuration), {{"class", name}}, cumulative);
    }

    for (const auto& collector : collectors_)
        collector(writer);
    return std::move(out);
}

namespace {

class CountedSource final : public ResponseSource {
public:
    CountedSource(std::unique_ptr<ResponseSource> inner, std::atomic<std::int64_t>& gauge)
        : inner_(std::move(inner)), hold_(gauge) {}
    void Pull(ResponseSink& sink) noexcept override { inner_->Pull(sink); }
    void Cancel() noexcept override { inner_->Cancel(); }

private:
    std::unique_ptr<ResponseSource> inner_;
    InFlight hold_;
};

} // namespace

std::unique_ptr<ResponseSource> CountInFlight(std::unique_ptr<ResponseSource> source,
                                              std::atomic<std::int64_t>& gauge) {
    return std::make_unique<CountedSource>(std::move(source), gauge);
}

} // namespace sealpost::http
