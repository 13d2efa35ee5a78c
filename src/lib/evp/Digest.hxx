// Incremental message digests (SHA-256, SHA-1) over OpenSSL's EVP_MD_CTX: the
// SHA-256 of every stored file and the tus Upload-Checksum algorithms.
// A Digest owns its context; it is move-only and not thread-safe (one upload,
// one thread at a time), but may be handed from thread to thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sealpost::evp {

enum class DigestAlgorithm { sha1, sha256 };

inline constexpr std::size_t kSha1Size = 20;
inline constexpr std::size_t kSha256Size = 32;

class Digest {
    struct Context;
    std::unique_ptr<Context> context_;
    DigestAlgorithm algorithm_;

public:
    /// Starts an empty message; throws std::bad_alloc or std::runtime_error.
    explicit Digest(DigestAlgorithm algorithm);
    ~Digest();

    Digest(Digest&&) noexcept;
    Digest& operator=(Digest&&) noexcept;
    Digest(const Digest&) = delete;
    Digest& operator=(const Digest&) = delete;

    DigestAlgorithm Algorithm() const noexcept { return algorithm_; }

    /// 20 for SHA-1, 32 for SHA-256.
    static std::size_t SizeOf(DigestAlgorithm algorithm) noexcept;
    std::size_t Size() const noexcept { return SizeOf(algorithm_); }

    void Update(std::span<const std::uint8_t> data);

    /// Writes the digest of everything passed to Update() into `out` (exactly
    /// Size() bytes) and starts a new, empty message.
    void Finish(std::span<std::uint8_t> out);
    std::vector<std::uint8_t> Finish();

    /// Discards the message so far.
    void Reset();
};

/// One-shot SHA-256.
std::array<std::uint8_t, kSha256Size> Sha256(std::span<const std::uint8_t> data);

} // namespace sealpost::evp
