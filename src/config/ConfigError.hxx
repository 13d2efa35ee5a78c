// The exception LoadConfig() and ApplyOverrides() throw when the configuration is
// invalid. It carries every problem found, each naming the dotted key and what is wrong
// ("server.listen: expected HOST:PORT, got \"8080\""), so an operator fixes them all in
// one go. what() lists them one per line. A value type; any thread.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sealpost {

class ConfigError : public std::runtime_error {
    std::vector<std::string> problems_;

public:
    /// source names where the configuration came from (a file path, "command line").
    ConfigError(const std::string& source, std::vector<std::string> problems);

    const std::vector<std::string>& Problems() const noexcept { return problems_; }
};

} // namespace sealpost
