// Terminal: what the client commands need of the terminal — whether a stream is
// one, and reading a secret (password, verification code) without echo. Main
// thread only.
#pragma once

#include <optional>
#include <string>

namespace sealpost::client {

bool StdinIsTerminal();
bool StdoutIsTerminal();

/// Prompts on standard error and reads one line from the terminal without echo
/// (with echo when `echo`); nullopt at end of input.
std::optional<std::string> ReadFromTerminal(const std::string& prompt, bool echo);

/// The first line of a file (a password file), without the line end.
std::string FirstLineOf(const std::string& path);

} // namespace sealpost::client
