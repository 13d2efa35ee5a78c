// Blocking output of a ZipLayout's archive to a file descriptor, for the
// command-line tools and tests; the server streams through ZipRangeCursor
// on its event loop instead. The caller owns the descriptor and supplies
// content through a callback. Call from any thread that may block.
#pragma once

#include "zip/ZipLayout.hxx"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace sealpost {

/// Must fill `buffer` completely with the content of entry `entry`, starting
/// `offset` bytes into it (never past the entry's size), or throw.
using ZipContentReader =
    std::function<void(std::size_t entry, std::uint64_t offset, std::span<std::uint8_t> buffer)>;

/// Writes bytes [begin, end) of the archive at the descriptor's current
/// position. Throws std::out_of_range for a range outside the archive,
/// std::system_error when writing fails; exceptions from `read` pass through.
void WriteZipRange(int fd, const ZipLayout& layout, std::uint64_t begin, std::uint64_t end,
                   const ZipContentReader& read);

/// Writes the whole archive and checks each entry's content against its
/// CRC-32: throws std::runtime_error (after writing) when one differs, since
/// the archive would then fail to extract.
void WriteZipArchive(int fd, const ZipLayout& layout, const ZipContentReader& read);

} // namespace sealpost
