// ZIP64: entries of 4 GiB and more, local headers beyond 4 GiB and more
// than 65535 entries, checked byte by byte and by unzip and 7z.
#include "ZipTestSupport.hxx"

#include "zip/Crc32.hxx"
#include "zip/ZipRangeCursor.hxx"

#include <catch2/catch.hpp>

#include <functional>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

using namespace sealpost;
using namespace sealpost::test;

namespace {

constexpr std::uint64_t gib = std::uint64_t{1} << 30;

/// The bytes of [begin, end), which must hold no entry content.
std::string HeaderBytes(const ZipLayout& layout, std::uint64_t begin, std::uint64_t end) {
    return ArchiveBytes(layout, {}, begin, end);
}

const ZipLayout::Segment& SegmentOf(const ZipLayout& layout, ZipLayout::SegmentKind kind,
                                    std::size_t entry) {
    for (const ZipLayout::Segment& segment : layout.Segments())
        if (segment.kind == kind && segment.entry == entry)
            return segment;
    throw std::logic_error("no such segment");
}

std::string SegmentBytes(const ZipLayout& layout, ZipLayout::SegmentKind kind, std::size_t entry) {
    const ZipLayout::Segment& segment = SegmentOf(layout, kind, entry);
    return HeaderBytes(layout, segment.offset, segment.End());
}

/// Offset of the extra field with `id` in a header's extra area, or npos.
std::size_t FindExtra(std::string_view header, std::size_t extra_start, std::size_t extra_length,
                      std::uint16_t id) {
    for (std::size_t pos = extra_start; pos + 4 <= extra_start + extra_length;
         pos += 4 + ReadU16(header, pos + 2))
        if (ReadU16(header, pos) == id)
            return pos;
    return std::string::npos;
}

/// CRC-32 of `length` zero bytes by combining the CRC of 1 MiB of zeros.
std::uint32_t ZeroCrcByCombining(std::uint64_t length) {
    const std::string mib(1 << 20, '\0');
    const std::uint32_t mib_crc = Crc32::Of(mib);
    std::uint32_t crc = 0;
    std::uint64_t done = 0;
    for (; done + mib.size() <= length; done += mib.size())
        crc = Crc32::Combine(crc, mib_crc, mib.size());
    const std::uint32_t tail = Crc32::Of(std::string_view{mib}.substr(0, length - done));
    return Crc32::Combine(crc, tail, length - done);
}

/// Writes the archive through the range API into a file of its final size;
/// content pieces of entries without `contents` are zeros and left as holes.
void WriteSparseArchive(const std::filesystem::path& path, const ZipLayout& layout,
                        const std::function<const std::string*(std::size_t)>& contents) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(layout.TotalSize())) == 0);
    ZipRangeCursor cursor{layout};
    auto put = [fd](const void* data, std::size_t size, std::uint64_t offset) {
        REQUIRE(::pwrite(fd, data, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size));
    };
    while (std::optional<ZipPiece> piece = cursor.Next()) {
        if (const auto* literal = std::get_if<ZipLiteral>(&piece->data)) {
            put(literal->bytes.data(), literal->bytes.size(), piece->archive_offset);
        } else {
            const ZipContent& content = std::get<ZipContent>(piece->data);
            if (const std::string* bytes = contents(content.entry))
                put(bytes->data() + content.offset, content.length, piece->archive_offset);
        }
    }
    REQUIRE(::close(fd) == 0);
}

} // namespace

TEST_CASE("sizes just below the ZIP64 limit use the classic format") {
    const ZipLayout layout{{ZipEntry{"big.bin", 0xFFFFFFFE, 0, 1700000000}}};
    const std::string local = SegmentBytes(layout, ZipLayout::SegmentKind::local_header, 0);
    CHECK(ReadU16(local, 4) == 20);
    CHECK(ReadU32(local, 22) == 0xFFFFFFFE);
    CHECK(FindExtra(local, 30 + 7, ReadU16(local, 28), 0x0001) == std::string::npos);
    const std::string central = SegmentBytes(layout, ZipLayout::SegmentKind::central_header, 0);
    CHECK(ReadU16(central, 6) == 20);
    CHECK(FindExtra(central, 46 + 7, ReadU16(central, 30), 0x0001) == std::string::npos);
    // Only the directory, which starts past 0xFFFFFFFF, needs ZIP64 end records.
    CHECK(layout.UsesZip64());
    const ZipLayout::Segment& end = SegmentOf(layout, ZipLayout::SegmentKind::end_records, 0);
    CHECK(end.size == 56 + 20 + 22);

    const ZipLayout fits{{ZipEntry{"big.bin", 0xFFFFFFFE - 200, 0, 1700000000}}};
    CHECK_FALSE(fits.UsesZip64());
    CHECK(SegmentOf(fits, ZipLayout::SegmentKind::end_records, 0).size == 22);
}

TEST_CASE("a size of 0xFFFFFFFF needs ZIP64 fields in both headers") {
    const ZipLayout layout{{ZipEntry{"big.bin", 0xFFFFFFFF, 0x12345678, 1700000000}}};
    CHECK(layout.UsesZip64());

    const std::string local = SegmentBytes(layout, ZipLayout::SegmentKind::local_header, 0);
    CHECK(ReadU16(local, 4) == 45);
    CHECK(ReadU32(local, 18) == 0xFFFFFFFF);
    CHECK(ReadU32(local, 22) == 0xFFFFFFFF);
    const std::size_t local_extra = FindExtra(local, 30 + 7, ReadU16(local, 28), 0x0001);
    REQUIRE(local_extra != std::string::npos);
    CHECK(ReadU16(local, local_extra + 2) == 16);
    CHECK(ReadU64(local, local_extra + 4) == 0xFFFFFFFF);
    CHECK(ReadU64(local, local_extra + 12) == 0xFFFFFFFF);

    const std::string central = SegmentBytes(layout, ZipLayout::SegmentKind::central_header, 0);
    CHECK(ReadU16(central, 4) == (3 << 8 | 45));
    CHECK(ReadU16(central, 6) == 45);
    CHECK(ReadU32(central, 42) == 0); // offset fits: not in the extra field
    const std::size_t extra = FindExtra(central, 46 + 7, ReadU16(central, 30), 0x0001);
    REQUIRE(extra != std::string::npos);
    CHECK(ReadU16(central, extra + 2) == 16);
    CHECK(ReadU64(central, extra + 4) == 0xFFFFFFFF);
    CHECK(ReadU64(central, extra + 12) == 0xFFFFFFFF);

    // The directory starts past 4 GiB, so the end records are ZIP64 too.
    const ZipLayout::Segment& end = SegmentOf(layout, ZipLayout::SegmentKind::end_records, 0);
    const std::string records = HeaderBytes(layout, end.offset, end.End());
    REQUIRE(records.size() == 56 + 20 + 22);
    CHECK(ReadU32(records, 0) == 0x06064b50);
    CHECK(ReadU64(records, 4) == 44);
    CHECK(ReadU64(records, 24) == 1);
    CHECK(ReadU64(records, 32) == 1);
    CHECK(ReadU64(records, 48) == layout.ContentOffset(0) + 0xFFFFFFFF);
    CHECK(ReadU32(records, 56) == 0x07064b50);
    CHECK(ReadU64(records, 64) == end.offset);
    CHECK(ReadU32(records, 72) == 1);
    CHECK(ReadU32(records, 76) == 0x06054b50);
    CHECK(ReadU32(records, 76 + 16) == 0xFFFFFFFF);
}

TEST_CASE("a local header at or beyond 0xFFFFFFFF gets its offset in a ZIP64 field") {
    // The first entry's header is 30 + 5 + 9 bytes, so this content size puts
    // the second header exactly at 0xFFFFFFFF.
    const std::uint64_t first_size = 0xFFFFFFFF - (30 + 5 + 9);
    const ZipLayout layout{
        {ZipEntry{"a.bin", first_size, 0, 1700000000}, ZipEntry{"b.bin", 3, 0, 1700000000}}};
    REQUIRE(layout.LocalHeaderOffset(1) == 0xFFFFFFFF);
    CHECK(layout.UsesZip64());

    const std::string local = SegmentBytes(layout, ZipLayout::SegmentKind::local_header, 1);
    CHECK(ReadU16(local, 4) == 45); // as in the central header
    CHECK(ReadU32(local, 22) == 3);
    CHECK(FindExtra(local, 30 + 5, ReadU16(local, 28), 0x0001) == std::string::npos);

    const std::string central = SegmentBytes(layout, ZipLayout::SegmentKind::central_header, 1);
    CHECK(ReadU16(central, 6) == 45);
    CHECK(ReadU32(central, 20) == 3);
    CHECK(ReadU32(central, 24) == 3);
    CHECK(ReadU32(central, 42) == 0xFFFFFFFF);
    const std::size_t extra = FindExtra(central, 46 + 5, ReadU16(central, 30), 0x0001);
    REQUIRE(extra != std::string::npos);
    CHECK(ReadU16(central, extra + 2) == 8);
    CHECK(ReadU64(central, extra + 4) == 0xFFFFFFFF);

    const std::string first = SegmentBytes(layout, ZipLayout::SegmentKind::central_header, 0);
    CHECK(ReadU16(first, 6) == 20);
}

TEST_CASE("the range API walks into content beyond 4 GiB") {
    const ZipLayout layout{{ZipEntry{"a.bin", 5 * gib, 0, 0}, ZipEntry{"b.bin", 10, 0, 0}}};
    const std::uint64_t begin = layout.ContentOffset(0) + 4 * gib + 7;
    ZipRangeCursor cursor{layout, begin, layout.ContentOffset(1) + 4};
    const std::optional<ZipPiece> first = cursor.Next();
    REQUIRE(first);
    const ZipContent content = std::get<ZipContent>(first->data);
    CHECK(content.entry == 0);
    CHECK(content.offset == 4 * gib + 7);
    CHECK(content.length == gib - 7);
    CHECK(std::holds_alternative<ZipLiteral>(cursor.Next()->data));
    const ZipContent second = std::get<ZipContent>(cursor.Next()->data);
    CHECK(second.entry == 1);
    CHECK(second.offset == 0);
    CHECK(second.length == 4);
    CHECK_FALSE(cursor.Next());
}

TEST_CASE("unzip and 7z accept an entry over 4 GiB followed by one beyond 4 GiB", "[huge]") {
    const std::uint64_t big_size = 4 * gib + 12345;
    const std::uint32_t big_crc = ZeroCrcByCombining(big_size);

    const std::vector<TestFile> small{{"before.txt", "before the big one\n"},
                                      {"after.bin", RandomBytes(100000, 50)}};
    const std::vector<ZipEntry> entries{
        EntryFor(small[0]), {"zeros 🎉.bin", big_size, big_crc, 1700000000}, EntryFor(small[1])};
    const ZipLayout layout{entries};
    REQUIRE(layout.UsesZip64());
    REQUIRE(layout.LocalHeaderOffset(2) > 4 * gib);

    TempDir dir;
    const std::filesystem::path archive = dir / "big.zip";
    WriteSparseArchive(archive, layout, [&small](std::size_t entry) -> const std::string* {
        return entry == 0 ? &small[0].content : entry == 2 ? &small[1].content : nullptr;
    });
    CHECK(std::filesystem::file_size(archive) == layout.TotalSize());
    const std::string quoted = ShellQuote(archive.string());

    // Info-ZIP tests stored data a byte at a time (about half a minute for
    // 4 GiB), so 7-Zip runs alongside it.
    RunningCommand running_unzip{"unzip -t " + quoted};
    RunningCommand running_sevenzip{"7z t -bb1 " + quoted};
    const CommandResult sevenzip = running_sevenzip.Wait();
    const CommandResult unzip = running_unzip.Wait();

    INFO(unzip.output);
    CHECK(unzip.exit_code == 0);
    CHECK(unzip.output.find("No errors detected") != std::string::npos);
    for (const ZipEntry& entry : entries)
        CHECK(unzip.output.find("testing: " + entry.name + " ") != std::string::npos);

    const CommandResult list = RunCommand("unzip -l " + quoted);
    CHECK(list.output.find(std::to_string(big_size)) != std::string::npos);

    INFO(sevenzip.output);
    CHECK(sevenzip.exit_code == 0);
    CHECK(sevenzip.output.find("Everything is Ok") != std::string::npos);
    for (const ZipEntry& entry : entries)
        CHECK(sevenzip.output.find("T " + entry.name + "\n") != std::string::npos);

    // The entry behind the 4 GiB mark extracts to its exact bytes.
    CHECK(RunCommand("unzip -p " + quoted + " after.bin").output == small[1].content);
    CHECK(RunCommand("7z x -so " + quoted + " after.bin").output == small[1].content);
}

TEST_CASE("more than 65535 entries use the ZIP64 end records") {
    std::vector<TestFile> files;
    for (int i = 0; i < 65540; ++i)
        files.push_back({"f" + std::to_string(i), i % 1000 == 0 ? RandomBytes(5, 60u + i) : ""});
    const ZipLayout layout = LayoutFor(files);
    CHECK(layout.UsesZip64());

    TempDir dir;
    const std::filesystem::path archive = dir / "many.zip";
    WriteArchive(archive, layout, files);
    const std::string bytes = ReadWholeFile(archive);
    const std::size_t end = bytes.size() - 22;
    CHECK(ReadU16(bytes, end + 10) == 0xFFFF);
    CHECK(ReadU32(bytes, end - 20) == 0x07064b50);
    CHECK(ReadU64(bytes, end - 20 - 56 + 32) == 65540);

    const std::string quoted = ShellQuote(archive.string());
    const CommandResult unzip = RunCommand("unzip -t " + quoted);
    CHECK(unzip.exit_code == 0);
    CHECK(unzip.output.find("No errors detected") != std::string::npos);
    CHECK(unzip.output.find("testing: f65539 ") != std::string::npos);
    CHECK(unzip.output.find("testing: f0 ") != std::string::npos);

    const CommandResult sevenzip = RunCommand("7z t " + quoted);
    INFO(sevenzip.output.substr(0, 2000));
    CHECK(sevenzip.exit_code == 0);
    CHECK(sevenzip.output.find("Files: 65540") != std::string::npos);
}
