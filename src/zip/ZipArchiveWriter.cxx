#include "zip/ZipArchiveWriter.hxx"

#include "zip/Crc32.hxx"
#include "zip/ZipRangeCursor.hxx"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace sealpost {

namespace {

constexpr std::size_t buffer_size = 1024 * 1024;

void WriteAll(int fd, std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throw std::system_error(errno, std::generic_category(), "writing ZIP archive");
        }
        bytes = bytes.subspan(static_cast<std::size_t>(written));
    }
}

/// Copies the archive piece by piece; `on_content` sees every content chunk.
template <typename OnContent>
void CopyPieces(int fd, ZipRangeCursor& cursor, const ZipContentReader& read,
                OnContent&& on_content) {
    std::vector<std::uint8_t> buffer;
    while (std::optional<ZipPiece> piece = cursor.Next()) {
        if (const auto* literal = std::get_if<ZipLiteral>(&piece->data)) {
            WriteAll(fd, literal->bytes);
            continue;
        }
        const ZipContent& content = std::get<ZipContent>(piece->data);
        buffer.resize(
            static_cast<std::size_t>(std::min<std::uint64_t>(content.length, buffer_size)));
        for (std::uint64_t done = 0; done < content.length;) {
            const auto chunk = static_cast<std::size_t>(
                std::min<std::uint64_t>(content.length - done, buffer_size));
            const std::span<std::uint8_t> data{buffer.data(), chunk};
            read(content.entry, content.offset + done, data);
            on_content(content.entry, data);
            WriteAll(fd, data);
            done += chunk;
        }
    }
}

} // namespace

void WriteZipRange(int fd, const ZipLayout& layout, std::uint64_t begin, std::uint64_t end,
                   const ZipContentReader& read) {
    ZipRangeCursor cursor{layout, begin, end};
    CopyPieces(fd, cursor, read, [](std::size_t, std::span<const std::uint8_t>) {});
}

void WriteZipArchive(int fd, const ZipLayout& layout, const ZipContentReader& read) {
    // Content arrives in archive order, entry by entry, so one running CRC
    // per entry is enough.
    std::vector<Crc32> crcs(layout.Entries().size());
    ZipRangeCursor cursor{layout};
    CopyPieces(fd, cursor, read, [&crcs](std::size_t entry, std::span<const std::uint8_t> data) {
        crcs[entry].Update(data);
    });

    for (std::size_t i = 0; i < crcs.size(); ++i)
        if (crcs[i].Value() != layout.Entries()[i].crc32)
            throw std::runtime_error("content of ZIP entry \"" + layout.Entries()[i].name +
                                     "\" does not match its CRC-32");
}

} // namespace sealpost
