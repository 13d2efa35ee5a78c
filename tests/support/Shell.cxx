#include "support/Shell.hxx"

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace sealpost::test {

std::string Shell(const std::string& command, int* exit_code, bool merge) {
    std::string output;
    FILE* pipe = ::popen((command + (merge ? " 2>&1" : "")).c_str(), "r");
    if (!pipe)
        throw std::system_error(errno, std::generic_category(), "popen");
    char buffer[65536];
    while (const std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe))
        output.append(buffer, n);
    const int status = ::pclose(pipe);
    if (exit_code)
        *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return output;
}

std::string Quote(const std::string& s) {
    std::string quoted = "'";
    for (const char c : s) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

} // namespace sealpost::test
