// ClientConfig: the command-line client's own configuration file (`sealpost send` and
// `sealpost download`, --config FILE, default $XDG_CONFIG_HOME/sealpost/client.toml):
// the server, the identity (an API token or a sender address) and defaults for the
// send options. Flags override every key. Unknown keys and wrong types are errors
// naming the key (with a suggestion), thrown as ConfigError like the server's.
//
//   server = "https://sealpost.example.se"
//   token = "spt_…"            # or: token_file = "/etc/sealpost/robot.token"
//   from = "robot@example.se"
//   cacert = "/etc/ssl/private-ca.pem"
//   [send]
//   retention_days = 7, language = "sv", notify_download = true,
//   hide_filenames = false, generate_password = true, parallel = 3
//
// A value type; any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {

struct ClientConfig {
    std::optional<std::string> server, token, token_file, from, name, phone, cacert;
    std::optional<std::int64_t> retention_days, parallel;
    std::optional<std::string> language;
    std::optional<bool> notify_download, hide_filenames, generate_password;
};

/// Parses the TOML text; `source` names it in errors. Throws ConfigError.
ClientConfig LoadClientConfigFromString(std::string_view text, const std::string& source);

/// Reads the file; throws ConfigError when it cannot be read or is invalid.
ClientConfig LoadClientConfig(const std::filesystem::path& path);

} // namespace sealpost
