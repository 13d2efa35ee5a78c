// The start of a blob: header plus 16-byte payload nonce, and the payload key
// that goes with them. StartBlob begins a new blob for a recipient; OpenBlobStart
// recovers the payload key of an existing blob from its first bytes and an
// identity. Together with SealChunk/OpenChunk and BlobLayout this is everything
// the storage layer needs; none of it does I/O. Any thread.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/Error.hxx"
#include "age/PayloadKey.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sealpost::age {

struct BlobStart {
    /// Header || payload nonce: the first bytes to write to the blob file.
    std::string prefix;
    PayloadKey payload_key;

    /// Offset of chunk 0 (= prefix.size()).
    std::uint64_t ChunksOffset() const noexcept { return prefix.size(); }
};

/// A new blob for `recipient` with a fresh file key and nonce. Throws AgeError
/// (internal) or std::bad_alloc; nothing else.
BlobStart StartBlob(const AgeRecipient& recipient);

struct OpenedBlob {
    std::optional<PayloadKey> payload_key;
    /// Offset of chunk 0 (header size + 16).
    std::uint64_t chunks_offset = 0;
};

/// Parses and authenticates the header at the start of `data` and derives the
/// payload key. Returns incomplete until `data` covers header and nonce; else
/// ok or any error of ParseHeader.
[[nodiscard]] AgeErrc OpenBlobStart(std::span<const std::uint8_t> data, const AgeIdentity& identity,
                                    OpenedBlob& out);

} // namespace sealpost::age
