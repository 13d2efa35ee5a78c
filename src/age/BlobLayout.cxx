#include "age/BlobLayout.hxx"

#include <stdexcept>

namespace sealpost::age {

BlobLayout::BlobLayout(std::uint64_t chunks_offset, std::uint64_t plain_size)
    : chunks_offset_(chunks_offset), plain_size_(plain_size) {
    if (plain_size > kMaxPlainSize || chunks_offset < kPayloadNonceSize ||
        chunks_offset > kMaxPlainSize)
        throw std::invalid_argument("BlobLayout: size out of range");
}

std::optional<BlobLayout> BlobLayout::FromBlobSize(std::uint64_t chunks_offset,
                                                   std::uint64_t blob_size) noexcept {
    if (chunks_offset < kPayloadNonceSize || chunks_offset > kMaxPlainSize ||
        blob_size < chunks_offset)
        return std::nullopt;
    const std::uint64_t sealed = blob_size - chunks_offset;
    if (sealed < kChunkTagSize)
        return std::nullopt;
    const std::uint64_t full_chunks = sealed / kSealedChunkSize;
    const std::uint64_t rest = sealed % kSealedChunkSize;
    std::uint64_t plain = 0;
    if (rest == 0) {
        // Only full chunks: the last of them is the final chunk.
        plain = full_chunks * kChunkSize;
    } else {
        // A short final chunk must hold at least one byte, unless it is chunk 0
        // of an empty payload (exactly 16 sealed bytes).
        if (rest < kChunkTagSize || (rest == kChunkTagSize && full_chunks > 0))
            return std::nullopt;
        plain = full_chunks * kChunkSize + (rest - kChunkTagSize);
    }
    if (plain > kMaxPlainSize)
        return std::nullopt;
    return BlobLayout{chunks_offset, plain};
}

std::uint64_t BlobLayout::ChunkCountFor(std::uint64_t plain_size) noexcept {
    if (plain_size == 0)
        return 1;
    return (plain_size + kChunkSize - 1) / kChunkSize;
}

std::uint64_t BlobLayout::SealedSizeFor(std::uint64_t plain_size) noexcept {
    return plain_size + ChunkCountFor(plain_size) * kChunkTagSize;
}

ChunkPosition BlobLayout::Locate(std::uint64_t plain_offset) noexcept {
    return {plain_offset / kChunkSize, static_cast<std::size_t>(plain_offset % kChunkSize)};
}

std::size_t BlobLayout::ChunkPlainSize(std::uint64_t index) const noexcept {
    const std::uint64_t start = index * kChunkSize;
    if (start >= plain_size_)
        return 0;
    const std::uint64_t rest = plain_size_ - start;
    return static_cast<std::size_t>(rest < kChunkSize ? rest : kChunkSize);
}

} // namespace sealpost::age
