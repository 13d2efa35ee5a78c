// The exact byte layout of a ZIP archive of stored entries, computed from
// metadata alone (name, size, CRC-32, mtime) so that a download can announce
// its Content-Length and serve any byte range before reading any content.
//
// The archive is a sequence of segments: for each entry its local header and
// its content, then one central directory header per entry, then the end
// records (ZIP64 ones when sizes, offsets or the entry count need them).
// Header bytes are produced on demand from the entries; content is supplied
// by the caller. Use ZipRangeCursor to walk a byte range as pieces.
//
// A ZipLayout owns copies of its entries and is immutable once built; all
// member functions are const and safe from any thread.
#pragma once

#include "zip/ZipEntry.hxx"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sealpost {

class ZipLayout {
public:
    enum class SegmentKind : std::uint8_t { local_header, content, central_header, end_records };

    struct Segment {
        /// Absolute position in the archive.
        std::uint64_t offset;
        std::uint64_t size;
        SegmentKind kind;
        /// The entry a header or content segment belongs to; unused for end records.
        std::size_t entry;

        std::uint64_t End() const noexcept { return offset + size; }
    };

    /// Throws std::invalid_argument for an empty name or one longer than the
    /// 65535 bytes a ZIP header can hold. Names are used as given: sanitise
    /// them first (FileNameSanitizer.hxx, UniqueNameSet).
    explicit ZipLayout(std::vector<ZipEntry> entries);

    /// The exact size of the archive in bytes.
    std::uint64_t TotalSize() const noexcept { return total_size_; }

    const std::vector<ZipEntry>& Entries() const noexcept { return entries_; }

    /// True when any ZIP64 field or record is written.
    bool UsesZip64() const noexcept { return uses_zip64_; }

    /// Where the local header of entry `index` starts.
    std::uint64_t LocalHeaderOffset(std::size_t index) const;

    /// Where the content of entry `index` starts.
    std::uint64_t ContentOffset(std::size_t index) const;

    /// All segments in archive order; empty contents have no segment.
    std::span<const Segment> Segments() const noexcept { return segments_; }

    /// The index of the segment containing `offset`, or Segments().size()
    /// when `offset` is at or past the end of the archive.
    std::size_t FindSegment(std::uint64_t offset) const noexcept;

    /// Appends all bytes of a header or end-records segment.
    void AppendSegmentBytes(std::vector<std::uint8_t>& out, const Segment& segment) const;

private:
    void AddSegment(SegmentKind kind, std::size_t entry, std::uint64_t size);

    std::vector<ZipEntry> entries_;
    std::vector<Segment> segments_;
    /// Per entry, the index of its local header segment.
    std::vector<std::size_t> local_header_segment_;
    std::uint64_t directory_offset_ = 0;
    std::uint64_t directory_size_ = 0;
    std::uint64_t total_size_ = 0;
    bool uses_zip64_ = false;
};

} // namespace sealpost
