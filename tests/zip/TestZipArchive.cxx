// Archives written through the streaming API and checked by real peers:
// Info-ZIP unzip and 7-Zip must accept them and extract the exact bytes.
#include "ZipTestSupport.hxx"

#include "zip/DosDateTime.hxx"

#include <catch2/catch.hpp>

#include <set>

#include <sys/stat.h>

using namespace sealpost;
using namespace sealpost::test;

namespace {

/// unzip -t and 7z t accept the archive and name every file in it.
void CheckToolsAccept(const std::filesystem::path& archive, const std::vector<TestFile>& files) {
    const CommandResult unzip = RunCommand("unzip -t " + ShellQuote(archive.string()));
    INFO(unzip.output);
    if (files.empty()) {
        // Info-ZIP's documented warning status for an archive without entries.
        CHECK(unzip.exit_code == 1);
        CHECK(unzip.output.find("zipfile is empty") != std::string::npos);
    } else {
        CHECK(unzip.exit_code == 0);
        CHECK(unzip.output.find("No errors detected") != std::string::npos);
    }
    for (const TestFile& file : files)
        CHECK(unzip.output.find("testing: " + file.name + " ") != std::string::npos);

    const CommandResult sevenzip = RunCommand("7z t -bb1 " + ShellQuote(archive.string()));
    INFO(sevenzip.output);
    CHECK(sevenzip.exit_code == 0);
    CHECK(sevenzip.output.find("Everything is Ok") != std::string::npos);
    CHECK(sevenzip.output.find("Type = zip") != std::string::npos);
    for (const TestFile& file : files)
        CHECK(sevenzip.output.find("T " + file.name + "\n") != std::string::npos);
}

/// unzip extracts exactly the files, with their bytes and mtimes.
void CheckExtraction(const std::filesystem::path& archive, const std::vector<TestFile>& files) {
    TempDir out;
    const CommandResult unzip = RunCommand("unzip -q " + ShellQuote(archive.string()) + " -d " +
                                           ShellQuote(out.Path().string()));
    INFO(unzip.output);
    REQUIRE(unzip.exit_code == (files.empty() ? 1 : 0));

    std::set<std::string> extracted;
    for (const auto& item : std::filesystem::recursive_directory_iterator(out.Path()))
        extracted.insert(std::filesystem::relative(item.path(), out.Path()).string());
    std::set<std::string> expected;
    for (const TestFile& file : files)
        expected.insert(file.name);
    CHECK(extracted == expected);

    for (const TestFile& file : files) {
        INFO(file.name);
        const std::filesystem::path path = out / file.name;
        CHECK(ReadWholeFile(path) == file.content);
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(st.st_mtime == file.mtime_unix);
    }
}

void CheckArchive(const std::vector<TestFile>& files) {
    TempDir dir;
    const ZipLayout layout = LayoutFor(files);
    const std::filesystem::path archive = dir / "transfer.zip";
    WriteArchive(archive, layout, files);

    CHECK(std::filesystem::file_size(archive) == layout.TotalSize());
    CHECK_FALSE(layout.UsesZip64());
    CheckToolsAccept(archive, files);
    CheckExtraction(archive, files);
}

} // namespace

TEST_CASE("an archive without entries is just the end record") {
    const ZipLayout layout{{}};
    CHECK(layout.TotalSize() == 22);
    CheckArchive({});
}

TEST_CASE("an archive with one empty file") {
    CheckArchive({{"empty.txt", "", 1600000000}});
}

TEST_CASE("an archive with files of different sizes and random content") {
    CheckArchive({
        {"one-byte.bin", RandomBytes(1, 10), 1500000000},
        {"small.txt", "hello, sealpost\n", 1600000001},
        {"odd.dat", RandomBytes(65537, 11), 1650000000},
        {"empty", "", 1700000002},
        {"three-mebibytes.bin", RandomBytes(3 * 1024 * 1024 + 17, 12), 1710000000},
        {"message.txt", "Here are the files.\n", 1720000000},
    });
}

TEST_CASE("an archive with UTF-8 names") {
    CheckArchive({
        {"Räksmörgås på fredag.txt", "åäö ÅÄÖ\n", 1700000000},
        {"å.txt", RandomBytes(100, 20), 1700000000},
        {"Ä ö.bin", RandomBytes(5000, 21), 1700000000},
        {"party 🎉📦.dat", RandomBytes(12345, 22), 1700000000},
        {"日本語のファイル.txt", "テキスト", 1700000000},
    });
}

TEST_CASE("headers: stored, UTF-8 flag, version 2.0, Unix 0644, DOS time in UTC") {
    const std::vector<TestFile> files{{"å.txt", "data", 1709214359}}; // 2024-02-29 13:45:59
    const ZipLayout layout = LayoutFor(files);
    const std::string bytes = ArchiveBytes(layout, files, 0, layout.TotalSize());
    REQUIRE(bytes.size() == layout.TotalSize());

    const DosDateTime dos = ToDosDateTime(files[0].mtime_unix);
    CHECK(dos.date == ((2024 - 1980) << 9 | 2 << 5 | 29));
    CHECK(dos.time == (13 << 11 | 45 << 5 | 59 / 2));

    // Local header.
    CHECK(ReadU32(bytes, 0) == 0x04034b50);
    CHECK(ReadU16(bytes, 4) == 20);
    CHECK(ReadU16(bytes, 6) == 0x0800);
    CHECK(ReadU16(bytes, 8) == 0);
    CHECK(ReadU16(bytes, 10) == dos.time);
    CHECK(ReadU16(bytes, 12) == dos.date);
    CHECK(ReadU32(bytes, 14) == 0xADF3F363); // CRC-32 of "data" (check below)
    CHECK(ReadU32(bytes, 18) == 4);
    CHECK(ReadU32(bytes, 22) == 4);
    CHECK(ReadU16(bytes, 26) == files[0].name.size());
    CHECK(bytes.substr(30, files[0].name.size()) == files[0].name);
    CHECK(layout.Entries()[0].crc32 == 0xADF3F363);
    CHECK(bytes.substr(layout.ContentOffset(0), 4) == "data");

    // End record, then the central header it points to.
    const std::size_t end = bytes.size() - 22;
    CHECK(ReadU32(bytes, end) == 0x06054b50);
    CHECK(ReadU16(bytes, end + 8) == 1);
    CHECK(ReadU16(bytes, end + 10) == 1);
    const std::size_t central = ReadU32(bytes, end + 16);
    CHECK(ReadU32(bytes, end + 12) == end - central);
    CHECK(ReadU32(bytes, central) == 0x02014b50);
    CHECK(ReadU16(bytes, central + 4) == (3 << 8 | 20));
    CHECK(ReadU16(bytes, central + 6) == 20);
    CHECK(ReadU16(bytes, central + 8) == 0x0800);
    CHECK(ReadU32(bytes, central + 38) == 0100644u << 16);
    CHECK(ReadU32(bytes, central + 42) == 0);
}

TEST_CASE("DOS times are clamped to their representable range") {
    const DosDateTime first = ToDosDateTime(0);
    CHECK(first.date == (0 << 9 | 1 << 5 | 1));
    CHECK(first.time == 0);
    const DosDateTime last = ToDosDateTime(std::int64_t{1} << 40);
    CHECK(last.date == (127 << 9 | 12 << 5 | 31));
    CHECK(last.time == (23 << 11 | 59 << 5 | 29));
}

TEST_CASE("invalid entry names are refused") {
    CHECK_THROWS_AS(ZipLayout({ZipEntry{"", 0, 0, 0}}), std::invalid_argument);
    CHECK_THROWS_AS(ZipLayout({ZipEntry{std::string(70000, 'a'), 0, 0, 0}}), std::invalid_argument);
}
