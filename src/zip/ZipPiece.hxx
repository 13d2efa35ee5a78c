// One piece of a ZIP byte range, as ZipRangeCursor hands them out: either
// header bytes the cursor produced (owned by the piece) or a reference to a
// span of an entry's content, which the caller reads from its own storage.
// Plain values; no thread restrictions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

namespace sealpost {

/// Header, directory or end-record bytes, ready to send.
struct ZipLiteral {
    std::vector<std::uint8_t> bytes;
};

/// `length` bytes of entry `entry`'s content, starting `offset` bytes into it.
struct ZipContent {
    std::size_t entry;
    std::uint64_t offset;
    std::uint64_t length;
};

struct ZipPiece {
    /// Where the piece starts in the archive.
    std::uint64_t archive_offset;
    std::variant<ZipLiteral, ZipContent> data;

    std::uint64_t Length() const noexcept {
        if (const auto* literal = std::get_if<ZipLiteral>(&data))
            return literal->bytes.size();
        return std::get<ZipContent>(data).length;
    }
};

} // namespace sealpost
