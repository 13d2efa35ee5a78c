#include "zip/ZipLayout.hxx"

#include "zip/ZipRecords.hxx"

#include <algorithm>
#include <stdexcept>

namespace sealpost {

ZipLayout::ZipLayout(std::vector<ZipEntry> entries) : entries_(std::move(entries)) {
    for (const ZipEntry& entry : entries_) {
        if (entry.name.empty())
            throw std::invalid_argument("ZIP entry without a name");
        if (entry.name.size() > zip_records::max_16)
            throw std::invalid_argument("ZIP entry name longer than 65535 bytes");
    }

    segments_.reserve(entries_.size() * 3 + 1);
    local_header_segment_.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const ZipEntry& entry = entries_[i];
        local_header_segment_.push_back(segments_.size());
        if (entry.size >= zip_records::max_32 || total_size_ >= zip_records::max_32)
            uses_zip64_ = true;
        AddSegment(SegmentKind::local_header, i, zip_records::LocalHeaderSize(entry));
        AddSegment(SegmentKind::content, i, entry.size);
    }

    directory_offset_ = total_size_;
    for (std::size_t i = 0; i < entries_.size(); ++i)
        AddSegment(SegmentKind::central_header, i,
                   zip_records::CentralHeaderSize(entries_[i], LocalHeaderOffset(i)));
    directory_size_ = total_size_ - directory_offset_;

    const zip_records::DirectoryEnd end{entries_.size(), directory_offset_, directory_size_};
    uses_zip64_ = uses_zip64_ || zip_records::NeedsZip64End(end);
    AddSegment(SegmentKind::end_records, 0, zip_records::EndRecordsSize(end));
}

void ZipLayout::AddSegment(SegmentKind kind, std::size_t entry, std::uint64_t size) {
    if (size == 0)
        return;
    segments_.push_back(Segment{total_size_, size, kind, entry});
    total_size_ += size;
}

std::uint64_t ZipLayout::LocalHeaderOffset(std::size_t index) const {
    return segments_[local_header_segment_.at(index)].offset;
}

std::uint64_t ZipLayout::ContentOffset(std::size_t index) const {
    const Segment& header = segments_[local_header_segment_.at(index)];
    return header.End();
}

std::size_t ZipLayout::FindSegment(std::uint64_t offset) const noexcept {
    // The first segment ending after `offset` contains it.
    const auto found = std::upper_bound(
        segments_.begin(), segments_.end(), offset,
        [](std::uint64_t value, const Segment& segment) { return value < segment.End(); });
    return static_cast<std::size_t>(found - segments_.begin());
}

void ZipLayout::AppendSegmentBytes(std::vector<std::uint8_t>& out, const Segment& segment) const {
    switch (segment.kind) {
    case SegmentKind::local_header:
        zip_records::AppendLocalHeader(out, entries_.at(segment.entry), segment.offset);
        return;
    case SegmentKind::central_header:
        zip_records::AppendCentralHeader(out, entries_.at(segment.entry),
                                         LocalHeaderOffset(segment.entry));
        return;
    case SegmentKind::end_records:
        zip_records::AppendEndRecords(
            out, zip_records::DirectoryEnd{entries_.size(), directory_offset_, directory_size_});
        return;
    case SegmentKind::content:
        break;
    }
    throw std::logic_error("entry content is not part of the ZIP layout");
}

} // namespace sealpost
