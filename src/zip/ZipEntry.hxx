// One file of a ZIP archive as the layout needs it: everything about the entry
// that is known before its content is read (the index stores size, CRC-32 and
// mtime at upload time). A plain value; the ZipLayout keeps its own copies.
#pragma once

#include <cstdint>
#include <string>

namespace sealpost {

struct ZipEntry {
    /// UTF-8 name inside the archive, already sanitised (see FileNameSanitizer.hxx).
    std::string name;
    /// Exact content length in bytes; the entry is stored, not compressed.
    std::uint64_t size = 0;
    /// CRC-32 of the content (see Crc32).
    std::uint32_t crc32 = 0;
    /// Modification time, seconds since the Unix epoch (UTC).
    std::int64_t mtime_unix = 0;
};

} // namespace sealpost
