// Byte sizes as written in the configuration: "100GiB", "64MiB", "16KiB", "512B",
// decimal "1GB"/"10MB"/"5KB"/"2TB", or a plain number of bytes. Units are
// case-insensitive; an optional space may separate number and unit; no fractions.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sealpost {

/// Throws std::invalid_argument (saying what is wrong) on bad syntax, an unknown unit or
/// a value beyond 2^64 - 1 bytes.
std::uint64_t ParseSize(std::string_view text);

/// The shortest exact text for bytes ("100GiB", "2TB", "1536B"), which ParseSize()
/// reads back to the same value.
std::string FormatSize(std::uint64_t bytes);

} // namespace sealpost
