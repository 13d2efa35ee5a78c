// BlobLayout: where things are in a stored blob, which is one age v1 file:
//
//   header (text, ends with the "--- <mac>\n" line)
//   16-byte payload nonce
//   chunk 0, chunk 1, …  each 65536 + 16 bytes, the final one 16..65552 bytes
//
// `chunks_offset` is header size + 16, the blob offset of chunk 0. From it and the
// plaintext size follow every chunk's offset and size, so HTTP Range requests map
// to chunk indexes without reading anything. Pure arithmetic; any thread.
#pragma once

#include "age/Chunk.hxx"
#include "age/PayloadKey.hxx"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sealpost::age {

/// A plaintext offset as (chunk index, offset inside that chunk's plaintext).
struct ChunkPosition {
    std::uint64_t index = 0;
    std::size_t offset = 0;

    bool operator==(const ChunkPosition&) const = default;
};

class BlobLayout {
    std::uint64_t chunks_offset_;
    std::uint64_t plain_size_;

public:
    /// The largest plaintext a blob may hold here (2^62 bytes), which keeps every
    /// size computation far from overflow.
    static constexpr std::uint64_t kMaxPlainSize = std::uint64_t{1} << 62;

    /// Throws std::invalid_argument if plain_size exceeds kMaxPlainSize.
    BlobLayout(std::uint64_t chunks_offset, std::uint64_t plain_size);

    /// The layout of a blob of `blob_size` bytes whose chunk 0 starts at
    /// `chunks_offset`; nullopt if no age file can have that size (too short, or a
    /// final chunk of 0..16 sealed bytes where that is not allowed).
    static std::optional<BlobLayout> FromBlobSize(std::uint64_t chunks_offset,
                                                  std::uint64_t blob_size) noexcept;

    /// Number of chunks for a plaintext size; an empty plaintext has one chunk.
    static std::uint64_t ChunkCountFor(std::uint64_t plain_size) noexcept;

    /// Sealed payload size (chunks only, without header and nonce).
    static std::uint64_t SealedSizeFor(std::uint64_t plain_size) noexcept;

    /// Which chunk a plaintext byte offset falls into.
    static ChunkPosition Locate(std::uint64_t plain_offset) noexcept;

    std::uint64_t ChunksOffset() const noexcept { return chunks_offset_; }
    std::uint64_t HeaderSize() const noexcept { return chunks_offset_ - kPayloadNonceSize; }
    std::uint64_t PlainSize() const noexcept { return plain_size_; }
    std::uint64_t BlobSize() const noexcept { return chunks_offset_ + SealedSizeFor(plain_size_); }
    std::uint64_t ChunkCount() const noexcept { return ChunkCountFor(plain_size_); }

    bool IsLast(std::uint64_t index) const noexcept { return index + 1 == ChunkCount(); }

    /// Blob offset of chunk `index`'s first sealed byte.
    std::uint64_t ChunkOffset(std::uint64_t index) const noexcept {
        return chunks_offset_ + index * kSealedChunkSize;
    }

    /// Plaintext bytes in chunk `index` (which must be < ChunkCount()).
    std::size_t ChunkPlainSize(std::uint64_t index) const noexcept;

    std::size_t ChunkSealedSize(std::uint64_t index) const noexcept {
        return ChunkPlainSize(index) + kChunkTagSize;
    }
};

} // namespace sealpost::age
