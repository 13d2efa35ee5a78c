#include "ZipTestSupport.hxx"

#include "zip/Crc32.hxx"
#include "zip/ZipArchiveWriter.hxx"
#include "zip/ZipRangeCursor.hxx"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sealpost::test {


RunningCommand::RunningCommand(const std::string& command)
    : pipe_(::popen(("LC_ALL=C.UTF-8 " + command + " 2>&1").c_str(), "r")) {
    if (pipe_ == nullptr)
        throw std::system_error(errno, std::generic_category(), "popen");
}

RunningCommand::~RunningCommand() {
    if (pipe_ != nullptr)
        ::pclose(pipe_);
}

CommandResult RunningCommand::Wait() {
    CommandResult result{-1, {}};
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe_)) > 0)
        result.output.append(buffer, n);
    const int status = ::pclose(pipe_);
    pipe_ = nullptr;
    if (status != -1 && WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    return result;
}

std::string ShellQuote(std::string_view word) {
    std::string quoted = "'";
    for (char c : word) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

std::string RandomBytes(std::size_t size, std::uint32_t seed) {
    std::mt19937 random{seed};
    std::string bytes(size, '\0');
    for (char& c : bytes)
        c = static_cast<char>(random() & 0xFF);
    return bytes;
}

std::string ReadWholeFile(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in)
        throw std::runtime_error("cannot open " + path.string());
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

ZipEntry EntryFor(const TestFile& file) {
    return ZipEntry{file.name, file.content.size(), Crc32::Of(file.content), file.mtime_unix};
}

ZipLayout LayoutFor(const std::vector<TestFile>& files) {
    std::vector<ZipEntry> entries;
    for (const TestFile& file : files)
        entries.push_back(EntryFor(file));
    return ZipLayout{std::move(entries)};
}

void WriteArchive(const std::filesystem::path& path, const ZipLayout& layout,
                  const std::vector<TestFile>& files) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
    try {
        WriteZipArchive(
            fd, layout,
            [&files](std::size_t entry, std::uint64_t offset, std::span<std::uint8_t> buffer) {
                const std::string& content = files.at(entry).content;
                std::memcpy(buffer.data(), content.data() + offset, buffer.size());
            });
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0)
        throw std::system_error(errno, std::generic_category(), "close");
}

std::string ArchiveBytes(const ZipLayout& layout, const std::vector<TestFile>& files,
                         std::uint64_t begin, std::uint64_t end) {
    std::string bytes;
    ZipRangeCursor cursor{layout, begin, end};
    while (std::optional<ZipPiece> piece = cursor.Next()) {
        if (piece->archive_offset != begin + bytes.size())
            throw std::logic_error("ZIP pieces are not contiguous");
        if (const auto* literal = std::get_if<ZipLiteral>(&piece->data)) {
            bytes.append(literal->bytes.begin(), literal->bytes.end());
        } else {
            const ZipContent& content = std::get<ZipContent>(piece->data);
            bytes += files.at(content.entry).content.substr(content.offset, content.length);
        }
    }
    return bytes;
}

namespace {

std::uint64_t ReadLittle(std::string_view bytes, std::size_t offset, std::size_t count) {
    if (offset + count > bytes.size())
        throw std::out_of_range("read past the end of the archive bytes");
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i)
        value |= std::uint64_t{static_cast<unsigned char>(bytes[offset + i])} << (8 * i);
    return value;
}

} // namespace

std::uint16_t ReadU16(std::string_view bytes, std::size_t offset) {
    return static_cast<std::uint16_t>(ReadLittle(bytes, offset, 2));
}

std::uint32_t ReadU32(std::string_view bytes, std::size_t offset) {
    return static_cast<std::uint32_t>(ReadLittle(bytes, offset, 4));
}

std::uint64_t ReadU64(std::string_view bytes, std::size_t offset) {
    return ReadLittle(bytes, offset, 8);
}

} // namespace sealpost::test
