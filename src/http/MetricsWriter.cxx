#include "http/MetricsWriter.hxx"

#include <fmt/format.h>

#include <cmath>

namespace sealpost::http {

void MetricsWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} ", name);
    // HELP text escapes backslash and new line.
    for (const char c : help) {
        if (c == '\\')
            out_ += "\\\\";
        else if (c == '\n')
            out_ += "\\n";
        else
            out_ += c;
    }
    out_ += fmt::format("\n# TYPE {} {}\n", name, type);
}

void MetricsWriter::Begin(std::string_view name, Labels labels) {
    out_ += name;
    if (labels.size() == 0)
        return;
    out_ += '{';
    bool first = true;
    for (const auto& [key, value] : labels) {
        if (!first)
            out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        for (const char c : value) {
            if (c == '\\')
                out_ += "\\\\";
            else if (c == '"')
                out_ += "\\\"";
            else if (c == '\n')
                out_ += "\\n";
            else
                out_ += c;
        }
        out_ += '"';
    }
    out_ += '}';
}

void MetricsWriter::Sample(std::string_view name, Labels labels, double value) {
    Begin(name, labels);
    if (std::isinf(value))
        out_ += value > 0 ? " +Inf\n" : " -Inf\n";
    else if (std::isnan(value))
        out_ += " NaN\n";
    else
        out_ += fmt::format(" {}\n", value);
}

void MetricsWriter::Sample(std::string_view name, Labels labels, std::uint64_t value) {
    Begin(name, labels);
    out_ += fmt::format(" {}\n", value);
}

void MetricsWriter::Sample(std::string_view name, Labels labels, std::int64_t value) {
    Begin(name, labels);
    out_ += fmt::format(" {}\n", value);
}

void MetricsWriter::Gauge(std::string_view name, std::string_view help, double value) {
    Family(name, "gauge", help);
    Sample(name, {}, value);
}

void MetricsWriter::Counter(std::string_view name, std::string_view help, std::uint64_t value) {
    Family(name, "counter", help);
    Sample(name, {}, value);
}

} // namespace sealpost::http
