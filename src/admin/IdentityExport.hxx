// `sealpost admin export-identity`: the one place the command line opens a
// transfer's age identity with its password, for disaster recovery with the
// standard `age` tool (age -d -i key.txt blob). The password goes through the
// storage's counted attempt (store::Storage::AttemptPassword) exactly as a
// download's does: a wrong one counts towards the lock and the deletion, and a
// locked transfer is refused without trying. Blocking; the main thread of the CLI.
#pragma once

#include "config/Config.hxx"

#include <cstdint>
#include <string>

namespace sealpost::admin {

struct IdentityExport {
    enum class Outcome { exported, wrong_password, locked, deleted, not_found, busy };
    Outcome outcome = Outcome::not_found;
    /// "AGE-SECRET-KEY-1…" when exported.
    std::string identity;
    std::string sender;
    std::int64_t locked_until = 0;
};

/// Runs one counted password attempt on the transfer on a private event loop.
IdentityExport ExportIdentity(const Config& config, const std::string& transfer_id,
                              std::string password);

} // namespace sealpost::admin
