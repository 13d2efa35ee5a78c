// A per-thread byte buffer for threadpool jobs: allocated once per thread and
// grown to the largest size asked for, never zero-filled. Each Tag names its own
// buffer, so jobs of different kinds on one thread never share one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace sealpost::store {

template <typename Tag> std::span<std::uint8_t> ThreadScratch(std::size_t size) {
    thread_local std::unique_ptr<std::uint8_t[]> buffer;
    thread_local std::size_t capacity = 0;
    if (capacity < size) {
        buffer.reset(new std::uint8_t[size]);
        capacity = size;
    }
    return {buffer.get(), size};
}

} // namespace sealpost::store
