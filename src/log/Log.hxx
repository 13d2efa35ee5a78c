// Structured logging to stderr: one line per event, as text or JSON lines.
// Every line is a level, an event name (lower_snake_case, e.g. "mail_sent")
// and key/value fields: Write(Level::info, "mail_sent", {{"kind", k}}). JSON
// lines are always valid UTF-8 (a byte that is not part of well-formed UTF-8
// is written as the text \xNN, never copied). Thread-safe (a mutex
// serialises lines). Never pass secrets (passwords, keys, tokens, file names,
// message text) to these functions.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };

void Configure(Level level, Format format);
bool Enabled(Level level) noexcept;

/// A key/value field of a structured line; values are rendered as strings.
using Field = std::pair<std::string_view, std::string>;

void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

/// The line Write() would print in `format`, with its final new line. Pure
/// (apart from the clock); for tests.
std::string FormatLine(Format format, Level level, std::string_view event,
                       std::initializer_list<Field> fields = {});

/// Free-text lines (the formatted text takes the event's place). Older
/// style, still used in src/store, src/download and Main.cxx; new code uses
/// Write() with an event name and fields.
template <typename... Args>
void Message(Level level, fmt::format_string<Args...> format, Args&&... args) {
    if (Enabled(level))
        Write(level, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args> void Info(fmt::format_string<Args...> f, Args&&... a) {
    Message(Level::info, f, std::forward<Args>(a)...);
}
template <typename... Args> void Warn(fmt::format_string<Args...> f, Args&&... a) {
    Message(Level::warn, f, std::forward<Args>(a)...);
}
template <typename... Args> void Error(fmt::format_string<Args...> f, Args&&... a) {
    Message(Level::error, f, std::forward<Args>(a)...);
}
template <typename... Args> void Debug(fmt::format_string<Args...> f, Args&&... a) {
    Message(Level::debug, f, std::forward<Args>(a)...);
}

} // namespace sealpost::log
