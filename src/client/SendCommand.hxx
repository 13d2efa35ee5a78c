// `sealpost send`: sends files and directories from a script or a terminal — the
// sender proven by an API token or a verified address (SenderLogin), the server's
// refusals checked before any byte goes up (password rules, recipient policy, size),
// the transfer created, every file uploaded with tus (several in parallel, resumed
// after a dropped connection or a re-run of a killed command: the pending transfer
// and its upload URLs stay in the state file until the submit), then submitted.
// Prints the result (text, or --json); a progress display on a terminal.
// Exit codes: ClientError.hxx. Main thread (the upload workers are its own threads).
#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace sealpost::client {

/// args start after "send".
int RunSend(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// The usage text with every option.
std::string SendUsage();

} // namespace sealpost::client
