// Helpers for the age and crypto tests: a temporary directory removed at the
// end of the test, random data, whole-file I/O, running the real `age` tools.
#pragma once

#include "support/TempDir.hxx"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
/// destruction.

std::vector<std::uint8_t> RandomData(std::size_t size);

std::vector<std::uint8_t> ReadFileBytes(const std::filesystem::path& path);
void WriteFileBytes(const std::filesystem::path& path, std::span<const std::uint8_t> data);
void WriteFileText(const std::filesystem::path& path, std::string_view text);

/// Runs a shell command; returns its exit status (-1 if it did not exit normally).
int RunCommand(const std::string& command);

/// Runs a shell command and returns its standard output.
std::string CommandOutput(const std::string& command);

/// "" if `actual` and `expected` are equal, else a one-line description (sizes,
/// first differing offset), so a failed check on megabytes stays readable.
std::string Difference(std::span<const std::uint8_t> actual,
                       std::span<const std::uint8_t> expected);

/// The string with trailing whitespace removed.
std::string TrimRight(std::string text);

} // namespace sealpost::test
