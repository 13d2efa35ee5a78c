// Conversion of Unix time to the MS-DOS date and time fields of ZIP headers.
// ZIP has no time zone; sealpost writes UTC (and the exact time again in an
// extended-timestamp extra field). Pure functions; safe from any thread.
#pragma once

#include <cstdint>

namespace sealpost {

struct DosDateTime {
    /// Bits 15-9 year since 1980, 8-5 month, 4-0 day.
    std::uint16_t date;
    /// Bits 15-11 hour, 10-5 minute, 4-0 seconds / 2.
    std::uint16_t time;
};

/// Converts, rounding odd seconds down and clamping to the representable
/// range 1980-01-01 00:00:00 .. 2107-12-31 23:59:58.
DosDateTime ToDosDateTime(std::int64_t unix_seconds) noexcept;

} // namespace sealpost
