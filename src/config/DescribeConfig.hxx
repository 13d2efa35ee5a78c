// The effective configuration as TOML text, every key with its value (defaults
// included), secrets (mail.smtp_password) redacted: printed by `sealpost check-config`
// and logged at start. Loading the text again yields the same Config, except for the
// redacted secrets. Pure function; any thread.
#pragma once

#include "Config.hxx"

#include <string>

namespace sealpost {

std::string DescribeConfig(const Config& config);

/// The placeholder DescribeConfig() prints for a non-empty secret.
inline constexpr const char* kRedacted = "(redacted)";

} // namespace sealpost
