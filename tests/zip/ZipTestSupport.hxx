// Helpers shared by the ZIP tests: a temporary directory that removes
// itself, running the external unzip and 7z tools, building layouts from
// in-memory files and writing them through the streaming API.
#pragma once

#include "support/TempDir.hxx"

#include "zip/ZipLayout.hxx"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.

struct CommandResult {
    int exit_code;
    /// stdout and stderr together.
    std::string output;
};

/// A shell command started in the C.UTF-8 locale (so the tools print UTF-8
/// names as they are), running while the test does other work. Its output
/// must fit in a pipe buffer until Wait() reads it.
class RunningCommand {
public:
    explicit RunningCommand(const std::string& command);
    ~RunningCommand();
    RunningCommand(const RunningCommand&) = delete;
    RunningCommand& operator=(const RunningCommand&) = delete;

    CommandResult Wait();

private:
    FILE* pipe_;
};

inline CommandResult RunCommand(const std::string& command) {
    return RunningCommand{command}.Wait();
}

/// Single-quotes a word for /bin/sh.
std::string ShellQuote(std::string_view word);

std::string RandomBytes(std::size_t size, std::uint32_t seed);

std::string ReadWholeFile(const std::filesystem::path& path);

struct TestFile {
    std::string name;
    std::string content;
    std::int64_t mtime_unix = 1700000000; // 2023-11-14T22:13:20Z
};

ZipEntry EntryFor(const TestFile& file);

/// Entries with sizes and CRCs computed from the contents.
ZipLayout LayoutFor(const std::vector<TestFile>& files);

/// Writes the whole archive with WriteZipArchive(), contents from `files`.
void WriteArchive(const std::filesystem::path& path, const ZipLayout& layout,
                  const std::vector<TestFile>& files);

/// Builds the archive in memory through ZipRangeCursor.
std::string ArchiveBytes(const ZipLayout& layout, const std::vector<TestFile>& files,
                         std::uint64_t begin, std::uint64_t end);

std::uint16_t ReadU16(std::string_view bytes, std::size_t offset);
std::uint32_t ReadU32(std::string_view bytes, std::size_t offset);
std::uint64_t ReadU64(std::string_view bytes, std::size_t offset);

} // namespace sealpost::test
