#include "ConfigError.hxx"

#include <fmt/format.h>

namespace sealpost {

namespace {

std::string Describe(const std::string& source, const std::vector<std::string>& problems) {
    std::string text = fmt::format("invalid configuration in {} ({} problem{}):", source,
                                   problems.size(), problems.size() == 1 ? "" : "s");
    for (const auto& problem : problems)
        text += "\n  " + problem;
    return text;
}

} // namespace

ConfigError::ConfigError(const std::string& source, std::vector<std::string> problems)
    : std::runtime_error(Describe(source, problems)), problems_(std::move(problems)) {}

} // namespace sealpost
