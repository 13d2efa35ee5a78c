// Running real command-line peers from tests (curl, age, unzip, 7z, openssl):
// a command through /bin/sh, and quoting for it. Any thread.
#pragma once

#include <string>

namespace sealpost::test {

/// Runs `command` through /bin/sh and returns its standard output (standard
/// error too when `merge`); the exit status goes to `exit_code` (-1 when
/// killed by a signal). Throws std::system_error when no shell can start.
std::string Shell(const std::string& command, int* exit_code = nullptr, bool merge = false);
/// `s` single-quoted for /bin/sh.
std::string Quote(const std::string& s);

} // namespace sealpost::test
