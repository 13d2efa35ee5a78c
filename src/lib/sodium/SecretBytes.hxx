// SecretBytes<N>: a fixed-size key or other secret held by value and wiped when it
// is destroyed or moved from. Move-only, so a secret has exactly one owner; an
// explicit Clone() makes a second one where that is really wanted. Not internally
// synchronised: one thread at a time, like any value.
#pragma once

#include "lib/sodium/Random.hxx"
#include "lib/sodium/Wipe.hxx"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::sodium {

template <std::size_t N> class SecretBytes {
    std::array<std::uint8_t, N> bytes_{};

public:
    static constexpr std::size_t kSize = N;

    /// All zeros.
    SecretBytes() noexcept = default;

    explicit SecretBytes(std::span<const std::uint8_t, N> source) noexcept {
        for (std::size_t i = 0; i < N; ++i)
            bytes_[i] = source[i];
    }

    ~SecretBytes() { Wipe(bytes_.data(), N); }

    SecretBytes(SecretBytes&& other) noexcept : bytes_(other.bytes_) {
        Wipe(other.bytes_.data(), N);
    }

    SecretBytes& operator=(SecretBytes&& other) noexcept {
        if (this != &other) {
            bytes_ = other.bytes_;
            Wipe(other.bytes_.data(), N);
        }
        return *this;
    }

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    /// N bytes from the system CSPRNG.
    static SecretBytes Random() {
        SecretBytes result;
        RandomBytes(result.bytes_);
        return result;
    }

    [[nodiscard]] SecretBytes Clone() const noexcept { return SecretBytes{Span()}; }

    std::span<std::uint8_t, N> Span() noexcept { return bytes_; }
    std::span<const std::uint8_t, N> Span() const noexcept { return bytes_; }

    std::uint8_t* data() noexcept { return bytes_.data(); }
    const std::uint8_t* data() const noexcept { return bytes_.data(); }
    static constexpr std::size_t size() noexcept { return N; }
};

} // namespace sealpost::sodium
