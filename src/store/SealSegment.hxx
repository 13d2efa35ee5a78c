// One upload segment, kept in memory the way its sealed form lies in the
// blob file, so that it is sealed in place and written from where the socket
// put it: no sealing buffer, no copy between the socket and the disk.
//
// The segment's plaintext chunk i (64 KiB, the last one possibly shorter)
// lies at skew + i * kSealedChunkSize of a 4 KiB-aligned buffer, where skew is
// the blob offset of the segment's first chunk modulo 4 KiB; the 16 bytes
// after each chunk are the room for its Poly1305 tag. Sealing (ChaCha20 is a
// stream cipher, so each chunk is encrypted where it lies) turns the slots
// into the segment's sealed bytes, contiguous and aligned as in the file: the
// whole 4 KiB blocks among them can be written with O_DIRECT.
//
// Bytes arrive in order: the free part of the current chunk slot is offered
// to the socket (Spare), and Append takes bytes that were read there without
// a copy, or copies bytes from elsewhere into the slots.
#pragma once

#include "age/Chunk.hxx"
#include "age/PayloadKey.hxx"
#include "store/FileIo.hxx"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::store {

class SealSegment {
public:
    static constexpr std::size_t kChunks = 16;
    /// The plaintext a segment holds: 1 MiB.
    static constexpr std::size_t kPlainCapacity = kChunks * age::kChunkSize;
    /// The memory a segment needs: its chunks with their tags, after a skew
    /// of less than kDirectAlign.
    static constexpr std::size_t kBufferSize = kDirectAlign + kChunks * age::kSealedChunkSize;

    SealSegment() = default;
    /// `memory`: at least kBufferSize bytes, aligned to kDirectAlign, contents
    /// ignored. `blob_offset`: where the segment's first sealed chunk lies in
    /// the blob file.
    SealSegment(std::span<std::uint8_t> memory, std::uint64_t blob_offset) noexcept;

    /// Plaintext bytes held.
    std::size_t size() const noexcept { return size_; }
    std::size_t room() const noexcept { return kPlainCapacity - size_; }
    bool full() const noexcept { return size_ == kPlainCapacity; }

    /// The free rest of the current chunk's slot (empty when full, or when
    /// sealed).
    std::span<std::uint8_t> Spare() noexcept;
    /// Appends bytes (at most room()); bytes that lie at Spare().data() stay
    /// where they are.
    void Append(std::span<const std::uint8_t> bytes) noexcept;
    /// Keeps only the first `size` plaintext bytes.
    void Truncate(std::size_t size) noexcept;

    /// Plaintext chunk `i` as held (before sealing).
    std::span<const std::uint8_t> Chunk(std::size_t i) const noexcept;
    /// Calls `f` with the first `length` plaintext bytes, chunk by chunk in order.
    template <typename F> void ForEachPiece(std::size_t length, F&& f) const {
        for (std::size_t i = 0; length > 0; ++i) {
            const auto piece = Chunk(i).first(std::min(length, age::kChunkSize));
            f(piece);
            length -= piece.size();
        }
    }

    /// Seals the first `keep` plaintext bytes in place as the age STREAM chunks
    /// first_index, first_index + 1, … (`final`: the last of them ends the
    /// file) and returns the sealed bytes, which lie in memory as they will in
    /// the file. `keep` is whole chunks unless `final`; an empty final
    /// segment seals one empty chunk. Plaintext is gone afterwards.
    /// Throws std::runtime_error if sealing fails.
    std::span<const std::uint8_t> Seal(const age::PayloadKey& key, std::uint64_t first_index,
                                       std::size_t keep, bool final);

private:
    std::uint8_t* Slot(std::size_t i) const noexcept { return base_ + i * age::kSealedChunkSize; }

    std::uint8_t* base_ = nullptr; ///< chunk 0 (memory + skew)
    std::size_t size_ = 0;
    bool sealed_ = false;
};

} // namespace sealpost::store
