// SecretBuffer: a heap buffer of run-time size for secrets (an unwrapped key of
// any length, a decrypted file name), wiped before it is freed. Move-only; the
// moved-from buffer is empty. Not internally synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace sealpost::sodium {

class SecretBuffer {
    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;

public:
    SecretBuffer() noexcept = default;

    /// `size` zero bytes.
    explicit SecretBuffer(std::size_t size);

    explicit SecretBuffer(std::span<const std::uint8_t> source);

    ~SecretBuffer() { Clear(); }

    SecretBuffer(SecretBuffer&& other) noexcept
        : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

    SecretBuffer& operator=(SecretBuffer&& other) noexcept {
        if (this != &other) {
            Clear();
            data_ = std::move(other.data_);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }

    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;

    /// Wipes and frees the contents; the buffer is empty afterwards.
    void Clear() noexcept;

    /// Drops the tail beyond `new_size` (wiping it); never grows.
    void Shrink(std::size_t new_size) noexcept;

    std::span<std::uint8_t> Span() noexcept { return {data_.get(), size_}; }
    std::span<const std::uint8_t> Span() const noexcept { return {data_.get(), size_}; }

    std::string_view View() const noexcept {
        return {reinterpret_cast<const char*>(data_.get()), size_};
    }

    std::uint8_t* data() noexcept { return data_.get(); }
    const std::uint8_t* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
};

} // namespace sealpost::sodium
