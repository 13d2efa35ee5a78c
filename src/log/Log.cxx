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

void AppendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
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

// Text values are quoted when they contain spaces or quotes, and control
// characters are escaped so a log line can never be split by client input.
void AppendTextValue(std::string& out, std::string_view s) {
    bool quote = s.empty();
    for (const char c : s)
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20)
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

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    if (!Enabled(level))
        return;
    std::string line;
    line.reserve(128);
    if (g_format == Format::json) {
        line += "{\"time\":";
        AppendJsonString(line, Timestamp());
        line += ",\"level\":";
        AppendJsonString(line, LevelName(level));
        line += ",\"msg\":";
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
            line += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        for (const auto& [key, value] : fields) {
            line += ' ';
            line += key;
            line += '=';
            AppendTextValue(line, value);
        }
    }
    line += '\n';
    std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace sealpost::log
