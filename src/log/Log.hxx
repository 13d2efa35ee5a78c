// Structured logging to stderr: one line per event, as text or JSON lines.
// Thread-safe (a mutex serialises lines). Never pass secrets (passwords, keys,
// tokens, file names, message text) to these functions.
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
