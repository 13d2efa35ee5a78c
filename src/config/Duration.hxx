// Durations as written in the configuration: "250ms", "10s", "5m", "2h", "1d", or a plain
// number of seconds. No sign, no fractions, one unit. Pure functions; any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sealpost {

/// Throws std::invalid_argument (saying what is wrong) on bad syntax, an unknown unit or
/// a value too large to represent in milliseconds.
std::chrono::milliseconds ParseDuration(std::string_view text);

/// The shortest exact text ("30s", "1d", "1500ms"), which ParseDuration() reads back.
std::string FormatDuration(std::chrono::milliseconds duration);

} // namespace sealpost
