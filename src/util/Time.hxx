// Wall-clock time as the API and the index use it: whole Unix seconds, shown
// as RFC 3339 UTC ("2026-11-26T13:15:37Z"). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {

/// Seconds since the Unix epoch, now.
std::int64_t UnixNow() noexcept;

/// "YYYY-MM-DDTHH:MM:SSZ".
std::string Rfc3339(std::int64_t unix_seconds);

/// Parses "YYYY-MM-DDTHH:MM:SSZ" (also with a fraction or a numeric offset);
/// nullopt when malformed.
std::optional<std::int64_t> ParseRfc3339(std::string_view text);

/// ParseRfc3339, or a bare "YYYY-MM-DD" (midnight UTC), as query filters take it.
std::optional<std::int64_t> ParseRfc3339OrDate(std::string_view text);

} // namespace sealpost
