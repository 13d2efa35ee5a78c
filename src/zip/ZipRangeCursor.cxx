#include "zip/ZipRangeCursor.hxx"

#include <algorithm>
#include <stdexcept>

namespace sealpost {

namespace {

/// Literal segments are merged into one piece until it reaches this size.
constexpr std::size_t literal_merge_limit = 64 * 1024;

} // namespace

ZipRangeCursor::ZipRangeCursor(const ZipLayout& layout) noexcept
    : layout_(layout), position_(0), end_(layout.TotalSize()), segment_(0) {}

ZipRangeCursor::ZipRangeCursor(const ZipLayout& layout, std::uint64_t begin, std::uint64_t end)
    : layout_(layout), position_(begin), end_(end), segment_(0) {
    if (begin > end || end > layout.TotalSize())
        throw std::out_of_range("ZIP byte range outside the archive");
    segment_ = layout.FindSegment(begin);
}

void ZipRangeCursor::TakeLiteral(std::vector<std::uint8_t>& out) {
    const ZipLayout::Segment& segment = layout_.Segments()[segment_];
    const auto skip = static_cast<std::size_t>(position_ - segment.offset);
    const auto take = static_cast<std::size_t>(std::min(segment.End(), end_) - position_);

    const std::size_t start = out.size();
    layout_.AppendSegmentBytes(out, segment);
    if (out.size() - start != segment.size)
        throw std::logic_error("ZIP header size differs from its layout");
    // Keep only [skip, skip + take) of the segment just appended.
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(start + skip + take), out.end());
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(start),
              out.begin() + static_cast<std::ptrdiff_t>(start + skip));

    position_ += take;
    if (position_ == segment.End())
        ++segment_;
}

std::optional<ZipPiece> ZipRangeCursor::Next() {
    if (position_ >= end_)
        return std::nullopt;

    const auto segments = layout_.Segments();
    const ZipLayout::Segment& segment = segments[segment_];
    const std::uint64_t start = position_;

    if (segment.kind == ZipLayout::SegmentKind::content) {
        const std::uint64_t length = std::min(segment.End(), end_) - position_;
        const ZipContent content{segment.entry, position_ - segment.offset, length};
        position_ += length;
        if (position_ == segment.End())
            ++segment_;
        return ZipPiece{start, content};
    }

    ZipLiteral literal;
    do {
        TakeLiteral(literal.bytes);
    } while (position_ < end_ && literal.bytes.size() < literal_merge_limit &&
             segments[segment_].kind != ZipLayout::SegmentKind::content);
    return ZipPiece{start, std::move(literal)};
}

} // namespace sealpost
