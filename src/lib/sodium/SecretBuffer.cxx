#include "lib/sodium/SecretBuffer.hxx"

#include "lib/sodium/Wipe.hxx"

#include <algorithm>

namespace sealpost::sodium {

SecretBuffer::SecretBuffer(std::size_t size)
    : data_(std::make_unique<std::uint8_t[]>(size)), size_(size) {}

SecretBuffer::SecretBuffer(std::span<const std::uint8_t> source) : SecretBuffer(source.size()) {
    std::copy(source.begin(), source.end(), data_.get());
}

void SecretBuffer::Clear() noexcept {
    if (data_)
        Wipe(data_.get(), size_);
    data_.reset();
    size_ = 0;
}

void SecretBuffer::Shrink(std::size_t new_size) noexcept {
    if (new_size >= size_)
        return;
    Wipe(data_.get() + new_size, size_ - new_size);
    size_ = new_size;
}

} // namespace sealpost::sodium
