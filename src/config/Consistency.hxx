// Checks that span several keys, or the file system, run after every key has been read:
// retention default within the maximum, TLS cert and key set together and readable,
// SMTP credentials set together, static_dir a directory. Internal to src/config/;
// called from LoadConfig() on the main thread.
#pragma once

#include "Config.hxx"

#include <string>
#include <vector>

namespace sealpost {

/// Appends one "dotted.key: what is wrong" line per problem.
void CheckConsistency(const Config& config, std::vector<std::string>& problems);

} // namespace sealpost
