#include "client/Terminal.hxx"
#include "client/ClientError.hxx"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

namespace sealpost::client {

bool StdinIsTerminal() {
    return ::isatty(STDIN_FILENO) == 1;
}

bool StdoutIsTerminal() {
    return ::isatty(STDOUT_FILENO) == 1;
}

std::optional<std::string> ReadFromTerminal(const std::string& prompt, bool echo) {
    termios old{};
    const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty && !echo) {
        termios silent = old;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    std::cerr << prompt << std::flush;
    std::string line;
    const bool ok = static_cast<bool>(std::getline(std::cin, line));
    if (tty && !echo) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        std::cerr << "\n";
    }
    if (!ok)
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

std::string FirstLineOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ClientError(kExitUsage, "cannot read " + path);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

} // namespace sealpost::client
