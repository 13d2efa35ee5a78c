// ClientError: why `sealpost send` or `sealpost download` stops, as the exit code a
// script tests and one readable line. Thrown anywhere in src/client/ and turned into
// the process's exit status by the command. The codes are documented in the README
// ("Command line client") and in the commands' --help; never renumber them.
// A value type; any thread.
#pragma once

#include <stdexcept>
#include <string>

namespace sealpost::client {

inline constexpr int kExitOk = 0;
/// A local problem: a file cannot be read or written.
inline constexpr int kExitFailure = 1;
/// Bad arguments or configuration.
inline constexpr int kExitUsage = 2;
/// --from needs the e-mailed code: run again with --code (or on a terminal).
inline constexpr int kExitVerification = 3;
/// The server's policy refuses the transfer (recipients, password, size, retention).
inline constexpr int kExitPolicy = 4;
/// Wrong or unknown token, identity or password; a locked transfer.
inline constexpr int kExitAuth = 5;
/// The server could not be reached, also after retries.
inline constexpr int kExitNetwork = 6;
/// The server failed or answered something unexpected (5xx, a broken reply).
inline constexpr int kExitServer = 7;
/// The transfer or link does not exist (any more): revoked, expired, deleted.
inline constexpr int kExitGone = 8;
/// A file exists already and --force was not given.
inline constexpr int kExitExists = 9;
/// A downloaded file does not match the SHA-256 the server listed.
inline constexpr int kExitIntegrity = 10;

class ClientError : public std::runtime_error {
    int exit_code_;

public:
    ClientError(int exit_code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int ExitCode() const noexcept { return exit_code_; }
};

} // namespace sealpost::client
