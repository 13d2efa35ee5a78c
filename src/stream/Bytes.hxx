// Owned bytes on their way to a socket: a piece of a response body, a head,
// TLS records. Either a std::string (heads, JSON, small bodies; converts
// implicitly, so code that builds strings keeps doing so) or memory allocated
// for overwriting: Bytes::ForOverwrite(n) does not zero-fill, where
// std::string::resize(n) clears every byte first, only to have a download's
// decrypted batch or a TLS record written over it right away (the clearing
// was 4.5 % of a download's CPU).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sealpost::stream {

class Bytes {
public:
    Bytes() noexcept = default;
    Bytes(std::string text) noexcept : text_(std::move(text)) {}
    Bytes(const char* text) : text_(text) {}

    /// `size` bytes whose contents are unspecified until written; the
    /// memory is allocated on the calling thread.
    static Bytes ForOverwrite(std::size_t size) {
        Bytes bytes;
        bytes.raw_ = std::make_unique_for_overwrite<char[]>(size);
        bytes.raw_size_ = size;
        return bytes;
    }

    // Moves only (a moved-from Bytes has no memory of its own; size() reads
    // raw_size_ only while raw_ holds memory).
    Bytes(Bytes&&) noexcept = default;
    Bytes& operator=(Bytes&&) noexcept = default;

    char* data() noexcept { return raw_ ? raw_.get() : text_.data(); }
    const char* data() const noexcept { return raw_ ? raw_.get() : text_.data(); }
    std::size_t size() const noexcept { return raw_ ? raw_size_ : text_.size(); }
    bool empty() const noexcept { return size() == 0; }
    std::string_view view() const noexcept { return {data(), size()}; }
    std::span<std::uint8_t> span() noexcept {
        return {reinterpret_cast<std::uint8_t*>(data()), size()};
    }

    /// Keeps the first `size` bytes (never grows; the memory stays).
    void Truncate(std::size_t size) noexcept {
        if (raw_)
            raw_size_ = std::min(raw_size_, size);
        else if (size < text_.size())
            text_.resize(size);
    }

private:
    std::string text_;
    std::unique_ptr<char[]> raw_;
    std::size_t raw_size_ = 0;
};

} // namespace sealpost::stream
