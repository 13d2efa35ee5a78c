#include "age/Chunk.hxx"

#include "age/ThreadCipher.hxx"

#include <algorithm>
#include <array>

namespace sealpost::age {
namespace {

std::array<std::uint8_t, evp::kChaChaNonceSize> ChunkNonce(std::uint64_t index,
                                                           bool last) noexcept {
    std::array<std::uint8_t, evp::kChaChaNonceSize> nonce{};
    // Bytes 0..2 are the top of the 88-bit counter, always zero for a 64-bit index.
    for (std::size_t i = 0; i < 8; ++i)
        nonce[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
    nonce[11] = last ? 1 : 0;
    return nonce;
}

/// Whether a final/non-final chunk may carry `plain_size` bytes of plaintext.
bool ValidPlainSize(std::uint64_t index, bool last, std::size_t plain_size) noexcept {
    if (!last)
        return plain_size == kChunkSize;
    if (plain_size > kChunkSize)
        return false;
    return plain_size > 0 || index == 0;
}

} // namespace

AgeErrc SealChunk(const PayloadKey& key, std::uint64_t index, bool last,
                  std::span<const std::uint8_t> plain, std::span<std::uint8_t> out) noexcept {
    if (!ValidPlainSize(index, last, plain.size()) || out.size() != plain.size() + kChunkTagSize)
        return AgeErrc::invalid_argument;
    evp::ChaCha20Poly1305* cipher = ThreadCipher();
    if (cipher == nullptr)
        return AgeErrc::internal;
    const auto nonce = ChunkNonce(index, last);
    if (!cipher->Seal(key.Span(), nonce, {}, plain, out))
        return AgeErrc::internal;
    return AgeErrc::ok;
}

AgeErrc OpenChunk(const PayloadKey& key, std::uint64_t index, bool last,
                  std::span<const std::uint8_t> sealed, std::span<std::uint8_t> out) noexcept {
    if (sealed.size() < kChunkTagSize || out.size() != sealed.size() - kChunkTagSize) {
        std::fill(out.begin(), out.end(), std::uint8_t{0});
        return AgeErrc::invalid_argument;
    }
    if (!ValidPlainSize(index, last, out.size())) {
        std::fill(out.begin(), out.end(), std::uint8_t{0});
        return AgeErrc::bad_size;
    }
    evp::ChaCha20Poly1305* cipher = ThreadCipher();
    if (cipher == nullptr) {
        std::fill(out.begin(), out.end(), std::uint8_t{0});
        return AgeErrc::internal;
    }
    const auto nonce = ChunkNonce(index, last);
    if (!cipher->Open(key.Span(), nonce, {}, sealed, out))
        return AgeErrc::bad_chunk;
    return AgeErrc::ok;
}

} // namespace sealpost::age
