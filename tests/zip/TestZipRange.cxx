// The range API: any byte range of the archive, as served for HTTP Range
// requests and resumed downloads, is exactly that slice of the whole.
#include "ZipTestSupport.hxx"

#include "zip/Crc32.hxx"
#include "zip/ZipArchiveWriter.hxx"
#include "zip/ZipRangeCursor.hxx"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include <fcntl.h>
#include <unistd.h>

using namespace sealpost;
using namespace sealpost::test;

namespace {

std::vector<TestFile> MixedFiles() {
    std::vector<TestFile> files{
        {"first.bin", RandomBytes(100000, 30)},
        {"empty-a", ""},
        {"empty-b", ""},
        {"second.txt", "second file\n"},
        {"third.bin", RandomBytes(1 << 20, 31)},
    };
    for (int i = 0; i < 300; ++i)
        files.push_back({"many-" + std::to_string(i) + ".txt", RandomBytes(i % 7, 32 + i)});
    return files;
}

ZipContentReader ReaderFor(const std::vector<TestFile>& files) {
    return [&files](std::size_t entry, std::uint64_t offset, std::span<std::uint8_t> buffer) {
        std::memcpy(buffer.data(), files.at(entry).content.data() + offset, buffer.size());
    };
}

} // namespace

TEST_CASE("the cursor's whole range equals the blocking writer's output") {
    const std::vector<TestFile> files = MixedFiles();
    const ZipLayout layout = LayoutFor(files);
    TempDir dir;
    WriteArchive(dir / "a.zip", layout, files);
    const std::string written = ReadWholeFile(dir / "a.zip");
    CHECK(written.size() == layout.TotalSize());
    CHECK(ArchiveBytes(layout, files, 0, layout.TotalSize()) == written);
    const CommandResult unzip = RunCommand("unzip -tq " + ShellQuote((dir / "a.zip").string()));
    INFO(unzip.output);
    CHECK(unzip.exit_code == 0);
}

TEST_CASE("random ranges are slices of the whole archive") {
    const std::vector<TestFile> files = MixedFiles();
    const ZipLayout layout = LayoutFor(files);
    const std::uint64_t total = layout.TotalSize();
    const std::string whole = ArchiveBytes(layout, files, 0, total);
    REQUIRE(whole.size() == total);

    std::mt19937_64 random{7};
    for (int i = 0; i < 400; ++i) {
        std::uint64_t begin = random() % (total + 1);
        std::uint64_t end = random() % (total + 1);
        if (begin > end)
            std::swap(begin, end);
        if (i % 4 == 0) // short ranges, often inside one header
            end = std::min(total, begin + random() % 100);
        INFO("range " << begin << "-" << end);
        REQUIRE(ArchiveBytes(layout, files, begin, end) == whole.substr(begin, end - begin));
    }
}

TEST_CASE("an archive assembled from consecutive random ranges is identical") {
    const std::vector<TestFile> files = MixedFiles();
    const ZipLayout layout = LayoutFor(files);
    const std::uint64_t total = layout.TotalSize();
    const std::string whole = ArchiveBytes(layout, files, 0, total);

    for (std::uint64_t seed : {1u, 2u, 3u}) {
        std::mt19937_64 random{seed};
        std::string assembled;
        while (assembled.size() < total) {
            const std::uint64_t begin = assembled.size();
            const std::uint64_t end = std::min(total, begin + 1 + random() % 70000);
            assembled += ArchiveBytes(layout, files, begin, end);
        }
        CHECK(assembled == whole);
    }
}

TEST_CASE("pieces are non-empty, contiguous and stay inside their entry") {
    const std::vector<TestFile> files = MixedFiles();
    const ZipLayout layout = LayoutFor(files);
    ZipRangeCursor cursor{layout, 12345, layout.TotalSize() - 3};
    std::uint64_t position = 12345;
    while (std::optional<ZipPiece> piece = cursor.Next()) {
        CHECK(piece->archive_offset == position);
        CHECK(piece->Length() > 0);
        if (const auto* content = std::get_if<ZipContent>(&piece->data)) {
            CHECK(content->offset + content->length <= files.at(content->entry).content.size());
            CHECK(piece->archive_offset == layout.ContentOffset(content->entry) + content->offset);
        }
        position += piece->Length();
    }
    CHECK(position == layout.TotalSize() - 3);
    CHECK(cursor.Remaining() == 0);
    CHECK_FALSE(cursor.Next().has_value());
}

TEST_CASE("the central directory is served in few large pieces") {
    std::vector<TestFile> files;
    for (int i = 0; i < 2000; ++i)
        files.push_back({"file-" + std::to_string(i) + ".txt", ""});
    const ZipLayout layout = LayoutFor(files);
    ZipRangeCursor cursor{layout};
    std::size_t pieces = 0;
    while (cursor.Next())
        ++pieces;
    // About 100 KiB of local headers and 140 KiB of directory in 64 KiB pieces.
    CHECK(pieces <= 6);
}

TEST_CASE("ranges outside the archive are refused; an empty range yields nothing") {
    const std::vector<TestFile> files{{"a.txt", "abc"}};
    const ZipLayout layout = LayoutFor(files);
    const std::uint64_t total = layout.TotalSize();
    CHECK_THROWS_AS(ZipRangeCursor(layout, 0, total + 1), std::out_of_range);
    CHECK_THROWS_AS(ZipRangeCursor(layout, 10, 9), std::out_of_range);
    ZipRangeCursor at_end{layout, total, total};
    CHECK_FALSE(at_end.Next().has_value());
    ZipRangeCursor in_middle{layout, 5, 5};
    CHECK_FALSE(in_middle.Next().has_value());
}

TEST_CASE("WriteZipRange resumes a download where it stopped") {
    const std::vector<TestFile> files = MixedFiles();
    const ZipLayout layout = LayoutFor(files);
    const std::string whole = ArchiveBytes(layout, files, 0, layout.TotalSize());
    TempDir dir;
    const std::filesystem::path path = dir / "resumed.zip";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    const std::uint64_t stop = layout.ContentOffset(4) + 1000; // inside third.bin
    WriteZipRange(fd, layout, 0, stop, ReaderFor(files));
    WriteZipRange(fd, layout, stop, layout.TotalSize(), ReaderFor(files));
    REQUIRE(::close(fd) == 0);
    CHECK(ReadWholeFile(path) == whole);
}

TEST_CASE("WriteZipArchive reports content that does not match its CRC") {
    std::vector<TestFile> files{{"a.txt", "original"}};
    const ZipLayout layout = LayoutFor(files);
    files[0].content = "tampered";
    TempDir dir;
    CHECK_THROWS_WITH(WriteArchive(dir / "bad.zip", layout, files),
                      Catch::Contains("a.txt") && Catch::Contains("CRC-32"));
}
