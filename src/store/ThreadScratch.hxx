// A per-thread byte buffer for threadpool jobs: allocated once per thread and
// grown to the largest size asked for, never zero-filled, aligned to
// kDirectAlign (so that it can be the memory of an O_DIRECT write). Each Tag
// names its own buffer, so jobs of different kinds on one thread never share
// one.
#pragma once

#include "store/FileIo.hxx"

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::store {

template <typename Tag> std::span<std::uint8_t> ThreadScratch(std::size_t size) {
    thread_local DirectMemory buffer;
    thread_local std::size_t capacity = 0;
    if (capacity < size) {
        buffer = AllocateDirectMemory(size);
        capacity = size;
    }
    return {buffer.get(), size};
}

} // namespace sealpost::store
