// Walks the byte range [begin, end) of a ZipLayout's archive as a sequence of
// pieces, in order and without gaps: the whole archive for a plain download,
// one range for an HTTP Range request or a resumed transfer. Header bytes are
// produced only when the cursor reaches them, so memory stays small however
// many entries the archive has; adjacent headers are merged into one piece of
// up to about 64 KiB so a large central directory is not sent record by record.
//
// The cursor refers to the layout, which must outlive it. One thread at a time.
#pragma once

#include "zip/ZipLayout.hxx"
#include "zip/ZipPiece.hxx"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sealpost {

class ZipRangeCursor {
public:
    /// The whole archive.
    explicit ZipRangeCursor(const ZipLayout& layout) noexcept;

    /// Throws std::out_of_range unless begin <= end <= layout.TotalSize().
    ZipRangeCursor(const ZipLayout& layout, std::uint64_t begin, std::uint64_t end);

    /// The next piece, or nullopt once the range is exhausted.
    std::optional<ZipPiece> Next();

    /// The archive offset of the next piece.
    std::uint64_t Position() const noexcept { return position_; }

    /// Bytes left in the range.
    std::uint64_t Remaining() const noexcept { return end_ - position_; }

private:
    /// Appends the part of the current segment that lies in the range and
    /// moves past it.
    void TakeLiteral(std::vector<std::uint8_t>& out);

    const ZipLayout& layout_;
    std::uint64_t position_;
    std::uint64_t end_;
    std::size_t segment_;
};

} // namespace sealpost
