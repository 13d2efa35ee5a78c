// `sealpost download LINK`: fetches a transfer from the link in the notification
// (…/d/{download_id}) — unlocks it with the password (the access cookie is kept for
// the run), downloads each file (or --zip) under a temporary name in -o, resuming an
// interrupted download with Range, checks each file's SHA-256 against the unlock
// answer, and renames it into place; never overwrites without --force and never
// writes outside -o (OutputFolder). Exit codes: ClientError.hxx. Main thread.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace sealpost::client {

/// args start after "download".
int RunDownload(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

std::string DownloadUsage();

} // namespace sealpost::client
