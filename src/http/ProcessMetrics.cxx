#include "http/ProcessMetrics.hxx"
#include "http/MetricsWriter.hxx"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sealpost::http {
namespace {

std::string ReadFile(const char* path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::uint64_t ToNumber(std::string_view text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// Seconds since the epoch at which the system booted (/proc/stat "btime").
std::uint64_t BootTime() {
    const std::string stat = ReadFile("/proc/stat");
    const auto pos = stat.find("\nbtime ");
    if (pos == std::string::npos)
        return 0;
    const auto start = pos + 7;
    return ToNumber(std::string_view(stat).substr(start, stat.find('\n', start) - start));
}

} // namespace

void WriteProcessMetrics(MetricsWriter& writer) {
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    // /proc/self/stat: "pid (comm) state ppid …"; comm may hold spaces and
    // parentheses, so the fields are counted from the last ')'.
    const std::string stat = ReadFile("/proc/self/stat");
    const auto close = stat.rfind(')');
    if (close != std::string::npos && ticks > 0) {
        std::vector<std::string_view> fields;
        std::string_view rest = std::string_view(stat).substr(close + 2);
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            fields.push_back(rest.substr(0, space));
            if (space == std::string_view::npos)
                break;
            rest.remove_prefix(space + 1);
        }
        // fields[0] is field 3 (state): utime 14, stime 15, starttime 22,
        // vsize 23, rss 24 (pages).
        if (fields.size() > 21) {
            const double cpu =
                static_cast<double>(ToNumber(fields[11]) + ToNumber(fields[12])) / ticks;
            writer.Family("process_cpu_seconds_total", "counter",
                          "Total user and system CPU time spent in seconds.");
            writer.Sample("process_cpu_seconds_total", {}, cpu);
            if (const std::uint64_t boot = BootTime(); boot > 0)
                writer.Gauge("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             static_cast<double>(boot) +
                                 static_cast<double>(ToNumber(fields[19])) / ticks);
            writer.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                         static_cast<double>(ToNumber(fields[20])));
            writer.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                         static_cast<double>(ToNumber(fields[21])) * page);
        }
    }
    std::error_code ec;
    std::uint64_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec))
        ++fds;
    if (!ec)
        writer.Gauge("process_open_fds", "Number of open file descriptors.",
                     static_cast<double>(fds));
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
        writer.Gauge("process_max_fds", "Maximum number of open file descriptors.",
                     static_cast<double>(limit.rlim_cur));
}

} // namespace sealpost::http
