// A per-thread byte buffer for threadpool jobs: allocated once per thread and
// grown to the largest size asked for, never zero-filled, aligned to
// kScratchAlign (so that it can be the memory of an O_DIRECT write). Each Tag
// names its own buffer, so jobs of different kinds on one thread never share
// one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>

namespace sealpost::store {

inline constexpr std::size_t kScratchAlign = 4096;

struct AlignedDelete {
    void operator()(std::uint8_t* p) const noexcept {
        ::operator delete[](p, std::align_val_t{kScratchAlign});
    }
};

template <typename Tag> std::span<std::uint8_t> ThreadScratch(std::size_t size) {
    thread_local std::unique_ptr<std::uint8_t[], AlignedDelete> buffer;
    thread_local std::size_t capacity = 0;
    if (capacity < size) {
        buffer.reset(
            static_cast<std::uint8_t*>(::operator new[](size, std::align_val_t{kScratchAlign})));
        capacity = size;
    }
    return {buffer.get(), size};
}

} // namespace sealpost::store
