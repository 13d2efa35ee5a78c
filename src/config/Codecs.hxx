// How each kind of configuration value is read from a TOML node and written back as
// TOML text: integers with a range, booleans, sizes, durations, addresses, URLs, paths,
// enumerations, domain lists and tables. Each codec is a struct with
//   static void Read(const toml::node&, T& out, KeyProblems&);  // out untouched on error
//   static std::string Format(const T&);                        // TOML value text
// Fields.cxx binds them to the Config members. Internal to src/config/; any thread.
#pragma once

#include "Config.hxx"
#include "Duration.hxx"
#include "KeyProblems.hxx"
#include "Size.hxx"
#include "Toml.hxx"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost {

/// A TOML basic string literal, quoted and escaped.
std::string TomlQuote(std::string_view text);

/// Reads a string node through parse (which throws std::invalid_argument with the reason);
/// any other node type is reported as "expected <expected>, got <type>".
template <typename T, typename Parse>
void ReadParsedString(const toml::node& node, T& out, KeyProblems& problems,
                      std::string_view expected, Parse&& parse) {
    const auto* text = node.as_string();
    if (text == nullptr) {
        problems.Add(fmt::format("expected {}, got {}", expected, TomlTypeName(node)));
        return;
    }
    try {
        out = parse(std::string_view(text->get()));
    } catch (const std::invalid_argument& e) {
        problems.Add(e.what());
    }
}

template <std::uint64_t kMin, std::uint64_t kMax> struct IntCodec {
    static void Read(const toml::node& node, std::uint64_t& out, KeyProblems& problems) {
        const auto* value = node.as_integer();
        if (value == nullptr) {
            problems.Add(fmt::format("expected an integer in {}..{}, got {}", kMin, kMax,
                                     TomlTypeName(node)));
        } else if (value->get() < 0 || static_cast<std::uint64_t>(value->get()) < kMin ||
                   static_cast<std::uint64_t>(value->get()) > kMax) {
            problems.Add(fmt::format("must be in {}..{}, got {}", kMin, kMax, value->get()));
        } else {
            out = static_cast<std::uint64_t>(value->get());
        }
    }
    static std::string Format(std::uint64_t value) { return std::to_string(value); }
};

struct BoolCodec {
    static void Read(const toml::node& node, bool& out, KeyProblems& problems);
    static std::string Format(bool value) { return value ? "true" : "false"; }
};

/// Reads a size without range checks: a string such as "64MiB" or an integer of bytes.
void ReadSize(const toml::node& node, std::uint64_t& out, KeyProblems& problems);

template <std::uint64_t kMin, std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max()>
struct SizeCodec {
    static void Read(const toml::node& node, std::uint64_t& out, KeyProblems& problems) {
        std::uint64_t size = 0;
        ReadSize(node, size, problems);
        if (problems.Any())
            return;
        if (size < kMin && kMax == std::numeric_limits<std::uint64_t>::max())
            problems.Add(
                fmt::format("must be at least {}, got {}", FormatSize(kMin), FormatSize(size)));
        else if (size < kMin || size > kMax)
            problems.Add(fmt::format("must be between {} and {}, got {}", FormatSize(kMin),
                                     FormatSize(kMax), FormatSize(size)));
        else
            out = size;
    }
    static std::string Format(std::uint64_t bytes) { return TomlQuote(FormatSize(bytes)); }
};

/// Reads a duration without range checks: a string such as "10s" or integer seconds.
void ReadDuration(const toml::node& node, std::chrono::milliseconds& out, KeyProblems& problems);

template <std::int64_t kMinMilliseconds> struct DurationCodec {
    static void Read(const toml::node& node, std::chrono::milliseconds& out,
                     KeyProblems& problems) {
        std::chrono::milliseconds duration{};
        ReadDuration(node, duration, problems);
        if (problems.Any())
            return;
        if (duration.count() < kMinMilliseconds)
            problems.Add(fmt::format("must be at least {}, got {}",
                                     FormatDuration(std::chrono::milliseconds(kMinMilliseconds)),
                                     FormatDuration(duration)));
        else
            out = duration;
    }
    static std::string Format(std::chrono::milliseconds value) {
        return TomlQuote(FormatDuration(value));
    }
};

struct ListenCodec {
    static void Read(const toml::node& node, ListenAddress& out, KeyProblems& problems);
    static std::string Format(const ListenAddress& value) { return TomlQuote(value.ToString()); }
};

/// A string checked and normalised by one of the ValueSyntax.hxx parsers.
template <std::string (*kParse)(std::string_view), const char* kExpected>
struct CheckedStringCodec {
    static void Read(const toml::node& node, std::string& out, KeyProblems& problems) {
        ReadParsedString(node, out, problems, kExpected, kParse);
    }
    static std::string Format(const std::string& value) { return TomlQuote(value); }
};

/// Any single-line string (user names, secrets).
struct TextCodec {
    static void Read(const toml::node& node, std::string& out, KeyProblems& problems);
    static std::string Format(const std::string& value) { return TomlQuote(value); }
};

template <bool kRequired> struct PathCodec {
    static void Read(const toml::node& node, std::filesystem::path& out, KeyProblems& problems) {
        std::string text;
        TextCodec::Read(node, text, problems);
        if (problems.Any())
            return;
        if (kRequired && text.empty())
            problems.Add("must not be empty");
        else
            out = text;
    }
    static std::string Format(const std::filesystem::path& value) {
        return TomlQuote(value.string());
    }
};

/// The TOML names of an enumeration's values, specialised next to each enum's codec use.
template <typename E> struct EnumNames;

template <typename E> struct EnumCodec {
    static void Read(const toml::node& node, E& out, KeyProblems& problems) {
        std::string choices;
        for (const auto& [name, value] : EnumNames<E>::kNames)
            choices += (choices.empty() ? "" : ", ") + TomlQuote(name);
        const auto* text = node.as_string();
        for (const auto& [name, value] : EnumNames<E>::kNames) {
            if (text != nullptr && text->get() == name) {
                out = value;
                return;
            }
        }
        problems.Add(fmt::format("expected one of {}, got {}", choices,
                                 text != nullptr ? TomlQuote(text->get()) : TomlTypeName(node)));
    }
    static std::string Format(E value) {
        for (const auto& [name, candidate] : EnumNames<E>::kNames)
            if (candidate == value)
                return TomlQuote(name);
        return "\"\"";
    }
};

template <> struct EnumNames<MailTransport> {
    static constexpr std::array<std::pair<std::string_view, MailTransport>, 2> kNames{
        {{"spool", MailTransport::kSpool}, {"smtp", MailTransport::kSmtp}}};
};

template <> struct EnumNames<LogLevel> {
    static constexpr std::array<std::pair<std::string_view, LogLevel>, 4> kNames{
        {{"debug", LogLevel::kDebug},
         {"info", LogLevel::kInfo},
         {"warn", LogLevel::kWarn},
         {"error", LogLevel::kError}}};
};

template <> struct EnumNames<LogFormat> {
    static constexpr std::array<std::pair<std::string_view, LogFormat>, 2> kNames{
        {{"text", LogFormat::kText}, {"json", LogFormat::kJson}}};
};

/// An array of domain names, stored in lower case without duplicates.
struct DomainListCodec {
    static void Read(const toml::node& node, std::vector<std::string>& out, KeyProblems& problems);
    static std::string Format(const std::vector<std::string>& value);
};

/// A table from domain name to a one-line message.
struct DomainHintsCodec {
    static void Read(const toml::node& node, std::map<std::string, std::string>& out,
                     KeyProblems& problems);
    static std::string Format(const std::map<std::string, std::string>& value);
};

/// An array of IP addresses and CIDR networks.
struct NetworkListCodec {
    static void Read(const toml::node& node, std::vector<IpNetwork>& out, KeyProblems& problems);
    static std::string Format(const std::vector<IpNetwork>& value);
};

} // namespace sealpost
