#include "log/Log.hxx"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace sealpost::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::mutex g_mutex;

std::string_view LevelName(Level level) {
    switch (level) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    }
    return "info";
}

std::string Timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = system_clock::to_time_t(now);
    // The date and time part changes once a second; format it only then.
    thread_local std::time_t cached_second = -1;
    thread_local char cached[32];
    if (t != cached_second) {
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
        cached_second = t;
    }
    char out[40];
    std::snprintf(out, sizeof(out), "%s.%03dZ", cached, static_cast<int>(ms));
    return out;
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when the byte there
// does not start one.
std::size_t Utf8Length(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80)
        return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0)
            lo = 0xA0;
        else if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0)
            lo = 0x90;
        else if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    if (byte(1) < lo || byte(1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(k) < 0x80 || byte(k) > 0xBF)
            return 0;
    return n;
}

// A JSON string that is always valid UTF-8: control characters as \uXXXX,
// well-formed UTF-8 copied, and every byte that is not part of a well-formed
// sequence written as the text \xNN (so it is never copied into the line).
void AppendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            const std::size_t n = Utf8Length(s, i);
            if (n == 0) {
                out += fmt::format("\\\\x{:02x}", static_cast<unsigned char>(c));
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    out += '"';
}

// Text values are quoted when they contain spaces, quotes, control
// characters or bytes outside ASCII, and escaped as in JSON, so a log line can
// never be split by client input and stays valid UTF-8.
void AppendTextValue(std::string& out, std::string_view s) {
    bool quote = s.empty();
    for (const char c : s)
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20 ||
            static_cast<unsigned char>(c) >= 0x7f)
            quote = true;
    if (quote)
        AppendJsonString(out, s);
    else
        out += s;
}

} // namespace

void Configure(Level level, Format format) {
    g_level = level;
    g_format = format;
}

bool Enabled(Level level) noexcept {
    return level >= g_level.load(std::memory_order_relaxed);
}

std::string FormatLine(Format format, Level level, std::string_view event,
                       std::initializer_list<Field> fields) {
    std::string line;
    line.reserve(128);
    if (format == Format::json) {
        line += "{\"time\":";
        AppendJsonString(line, Timestamp());
        line += ",\"level\":";
        AppendJsonString(line, LevelName(level));
        line += ",\"event\":";
        AppendJsonString(line, event);
        for (const auto& [key, value] : fields) {
            line += ',';
            AppendJsonString(line, key);
            line += ':';
            AppendJsonString(line, value);
        }
        line += '}';
    } else {
        line += Timestamp();
        line += ' ';
        line += LevelName(level);
        line += ' ';
        for (const char c : event)
            line += static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f
                        ? '_'
                        : c;
        for (const auto& [key, value] : fields) {
            line += ' ';
            line += key;
            line += '=';
            AppendTextValue(line, value);
        }
    }
    line += '\n';
    return line;
}

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    if (!Enabled(level))
        return;
    const std::string line = FormatLine(g_format.load(), level, event, fields);
    std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace sealpost::log
