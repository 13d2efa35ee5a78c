#include "store/SealSegment.hxx"

#include <cstring>
#include <stdexcept>

namespace sealpost::store {

SealSegment::SealSegment(std::span<std::uint8_t> memory, std::uint64_t blob_offset) noexcept
    : base_(memory.data() + blob_offset % kDirectAlign) {}

std::span<std::uint8_t> SealSegment::Spare() noexcept {
    if (sealed_ || full() || base_ == nullptr)
        return {};
    const std::size_t in_chunk = size_ % age::kChunkSize;
    return {Slot(size_ / age::kChunkSize) + in_chunk, age::kChunkSize - in_chunk};
}

void SealSegment::Append(std::span<const std::uint8_t> bytes) noexcept {
    bytes = bytes.first(std::min(bytes.size(), room()));
    while (!bytes.empty()) {
        const std::span<std::uint8_t> spare = Spare();
        const std::size_t n = std::min(bytes.size(), spare.size());
        if (bytes.data() != spare.data())
            std::memmove(spare.data(), bytes.data(), n);
        size_ += n;
        bytes = bytes.subspan(n);
    }
}

void SealSegment::Truncate(std::size_t size) noexcept {
    size_ = std::min(size, size_);
}

std::span<const std::uint8_t> SealSegment::Chunk(std::size_t i) const noexcept {
    const std::size_t start = i * age::kChunkSize;
    if (start >= size_)
        return {};
    return {Slot(i), std::min(age::kChunkSize, size_ - start)};
}

std::span<const std::uint8_t> SealSegment::Seal(const age::PayloadKey& key,
                                                std::uint64_t first_index, std::size_t keep,
                                                bool final) {
    if (keep > size_ || (!final && keep % age::kChunkSize != 0) || base_ == nullptr || sealed_)
        throw std::runtime_error("sealing a segment: bad arguments");
    const std::size_t count =
        keep == 0 ? (final ? 1 : 0) : (keep + age::kChunkSize - 1) / age::kChunkSize;
    sealed_ = true;
    std::size_t sealed_size = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t n = std::min(age::kChunkSize, keep - i * age::kChunkSize);
        std::uint8_t* slot = Slot(i);
        // ChaCha20-Poly1305 encrypts in place; the tag goes into the 16
        // bytes after the chunk.
        const auto rc = age::SealChunk(key, first_index + i, final && i + 1 == count,
                                       std::span<const std::uint8_t>(slot, n),
                                       std::span<std::uint8_t>(slot, n + age::kChunkTagSize));
        if (rc != age::AgeErrc::ok)
            throw std::runtime_error("sealing a chunk failed");
        sealed_size += n + age::kChunkTagSize;
    }
    return {base_, sealed_size};
}

} // namespace sealpost::store
