// Writes the Prometheus text exposition format (0.0.4): metric families with
// HELP and TYPE lines, samples with escaped label values. Used by Metrics and
// by every collector a module registers with it. Not thread-safe: one writer
// per /metrics answer, on the loop thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost::http {

class MetricsWriter {
public:
    using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

    /// Starts a family: "# HELP name help" and "# TYPE name type" (counter,
    /// gauge or histogram). Its samples follow.
    void Family(std::string_view name, std::string_view type, std::string_view help);
    void Sample(std::string_view name, Labels labels, double value);
    void Sample(std::string_view name, Labels labels, std::uint64_t value);
    void Sample(std::string_view name, Labels labels, std::int64_t value);

    /// A family with one unlabelled sample.
    void Gauge(std::string_view name, std::string_view help, double value);
    void Counter(std::string_view name, std::string_view help, std::uint64_t value);

    std::string& text() noexcept { return out_; }

private:
    void Begin(std::string_view name, Labels labels);
    std::string out_;
};

} // namespace sealpost::http
