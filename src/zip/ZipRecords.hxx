// The byte encoding of ZIP records (PKWARE APPNOTE 6.3): local file headers,
// central directory headers and the end-of-central-directory records, for
// stored entries with UTF-8 names and no data descriptors. Internal to
// src/zip: ZipLayout decides where records go, these functions say how large
// they are and produce their bytes. Pure functions; safe from any thread.
#pragma once

#include "zip/ZipEntry.hxx"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sealpost::zip_records {

/// Sizes and offsets at or above this value need ZIP64 fields, because the
/// value itself is the marker that says "look in the ZIP64 extra field".
inline constexpr std::uint64_t max_32 = 0xFFFFFFFF;
inline constexpr std::uint64_t max_16 = 0xFFFF;

/// Where the central directory is and what it holds.
struct DirectoryEnd {
    std::uint64_t entry_count;
    std::uint64_t directory_offset;
    std::uint64_t directory_size;
};

std::size_t LocalHeaderSize(const ZipEntry& entry) noexcept;
/// The offset decides only "version needed", which matches the central header.
void AppendLocalHeader(std::vector<std::uint8_t>& out, const ZipEntry& entry,
                       std::uint64_t local_header_offset);

std::size_t CentralHeaderSize(const ZipEntry& entry, std::uint64_t local_header_offset) noexcept;
void AppendCentralHeader(std::vector<std::uint8_t>& out, const ZipEntry& entry,
                         std::uint64_t local_header_offset);

/// True when the directory needs the ZIP64 end record and locator.
bool NeedsZip64End(const DirectoryEnd& end) noexcept;

/// The ZIP64 end record and locator when needed, then the classic end record.
/// They start right after the central directory.
std::size_t EndRecordsSize(const DirectoryEnd& end) noexcept;
void AppendEndRecords(std::vector<std::uint8_t>& out, const DirectoryEnd& end);

} // namespace sealpost::zip_records
