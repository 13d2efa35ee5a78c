#include "http/Metrics.hxx"

#include <fmt/format.h>

namespace sealpost::http {

void Metrics::CountRequest(int status) noexcept {
    const int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        requests_by_class[cls].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
    std::string out;
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
    return out;
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
