// Reading and validating the TOML configuration at start (`sealpost serve --config`,
// `sealpost check-config`). Everything is checked before the server starts: types,
// ranges, syntax of sizes, durations, addresses and URLs, unknown keys and sections
// (with a "did you mean" suggestion), consistency between keys, and that the TLS files
// exist and are readable. All problems are collected and thrown together as one
// ConfigError. Keys that are absent keep the defaults of Config.hxx.
//
// Synchronous setup code: call from the main thread before the event loop starts.
#pragma once

#include "Config.hxx"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {

/// Reads and validates the file. Throws ConfigError (also when the file cannot be read
/// or is not valid TOML).
Config LoadConfig(const std::filesystem::path& path);

/// As LoadConfig() for text already in memory; source names it in messages.
Config LoadConfigFromString(std::string_view text, const std::string& source = "<string>");

/// Applies the command-line flags --listen, --data and --public-url over the file's
/// values, validated like the corresponding keys. Throws ConfigError naming the flags;
/// config is unchanged unless every flag given is valid.
void ApplyOverrides(Config& config, std::optional<std::string_view> listen,
                    std::optional<std::string_view> data_dir,
                    std::optional<std::string_view> public_url);

} // namespace sealpost
