// Helpers for the configuration tests: the problems a text produces, and a readable
// file standing in for PEM files. Test code; one thread.
#pragma once

#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sealpost::test {

/// A readable file that exists in every checkout, standing in for PEM files.
inline const std::string kReadableFile = SEALPOST_EXAMPLE_CONFIG;

/// Every problem LoadConfigFromString() reports for text; empty if it loads.
inline std::vector<std::string> ProblemsOf(std::string_view text) {
    try {
        LoadConfigFromString(text, "test.toml");
    } catch (const ConfigError& e) {
        return e.Problems();
    }
    return {};
}

/// The single problem text reports; fails the test if there is not exactly one.
inline std::string ProblemOf(std::string_view text) {
    const auto problems = ProblemsOf(text);
    REQUIRE(problems.size() == 1);
    return problems.front();
}

} // namespace sealpost::test
