// The standard Prometheus process series for this process, read from Linux
// /proc at scrape time: process_cpu_seconds_total, process_start_time_seconds,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds. A Metrics collector; loop thread.
#pragma once

namespace sealpost::http {

class MetricsWriter;

/// Writes what it can read; a series whose source is unreadable is left out.
void WriteProcessMetrics(MetricsWriter& writer);

} // namespace sealpost::http
