// Builds composite LMDB keys whose byte order equals the order of their parts, e.g. an
// expiry index keyed by (expiry time, transfer id) or a per-transfer table keyed by
// (transfer id, file number). Parts: big-endian u64, fixed-width bytes whose width the
// reader knows, and variable-length text ended by a NUL byte (so "ab" sorts before
// "abc", and a key built from the leading parts is a prefix for Cursor::ForEachPrefix).
// KeyReader.hxx takes such keys apart. A value type; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost::lmdb {

class KeyBuilder {
    std::string key_;

public:
    KeyBuilder& U64(std::uint64_t value);

    /// Raw bytes; the reader must know their width (ids of fixed length).
    KeyBuilder& Fixed(std::string_view bytes);

    /// Variable-length text followed by a NUL; throws std::invalid_argument if text itself
    /// contains a NUL byte.
    KeyBuilder& Text(std::string_view text);

    const std::string& View() const noexcept { return key_; }
    std::string Take() noexcept { return std::move(key_); }
};

} // namespace sealpost::lmdb
