// The bounded pool of upload segment buffers shared by every upload of one
// Storage: memory for request bodies is drawn from here, never allocated per
// request, so a thousand concurrent uploads use the same few MiB as one. When
// the pool is empty an upload stops reading its socket (backpressure) and
// waits in line; a released buffer goes to the longest waiter first.
//
// Owned by Storage (shared with the buffers, which may outlive it); loop
// thread only: buffers may be filled and read on the threadpool, but are
// acquired, released and destroyed on the loop thread.
#pragma once

#include "store/FileIo.hxx"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace sealpost::store {

/// Memory of a fixed capacity, aligned to kDirectAlign (so that an O_DIRECT
/// write can come from it) and never zero-filled: a socket read or a copy
/// fills it first. What its bytes mean is up to the holder.
class SegmentBytes {
public:
    SegmentBytes() = default;
    explicit SegmentBytes(std::size_t capacity)
        : data_(AllocateDirectMemory(capacity)), capacity_(capacity) {}

    std::uint8_t* data() noexcept { return data_.get(); }
    const std::uint8_t* data() const noexcept { return data_.get(); }
    std::size_t capacity() const noexcept { return capacity_; }
    std::span<std::uint8_t> span() noexcept { return {data_.get(), capacity_}; }

private:
    DirectMemory data_;
    std::size_t capacity_ = 0;
};

class SegmentPool : public std::enable_shared_from_this<SegmentPool> {
public:
    /// A buffer with capacity buffer_size(); goes back to the pool when destroyed.
    class Buffer {
    public:
        Buffer() = default;
        Buffer(Buffer&&) noexcept = default;
        Buffer& operator=(Buffer&& other) noexcept;
        Buffer(const Buffer&) = delete;
        Buffer& operator=(const Buffer&) = delete;
        ~Buffer() { Reset(); }

        explicit operator bool() const noexcept { return pool_ != nullptr; }
        SegmentBytes& bytes() noexcept { return bytes_; }
        const SegmentBytes& bytes() const noexcept { return bytes_; }
        /// Returns the buffer to its pool now.
        void Reset() noexcept;

    private:
        friend class SegmentPool;
        Buffer(std::shared_ptr<SegmentPool> pool, SegmentBytes bytes) noexcept
            : pool_(std::move(pool)), bytes_(std::move(bytes)) {}
        std::shared_ptr<SegmentPool> pool_;
        SegmentBytes bytes_;
    };

    using Waiter = std::function<void(Buffer)>;

    SegmentPool(std::size_t buffer_size, std::size_t capacity);

    std::size_t buffer_size() const noexcept { return buffer_size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    /// Buffers handed out and not yet returned.
    std::size_t outstanding() const noexcept { return outstanding_; }
    /// The most buffers ever out at once (capacity unless overdrawn).
    std::size_t peak() const noexcept { return peak_; }

    /// A buffer if fewer than capacity() are out and nobody waits, else none.
    Buffer TryAcquire();
    /// A buffer even when the pool is exhausted: only for bytes that were
    /// already read from a socket and cannot be put back (rare; the
    /// connection sizes its reads to what the consumer has room for).
    Buffer Overdraw();
    /// Calls `waiter` with a buffer once one is free, in order of waiting
    /// (possibly from inside another buffer's release). Returns a ticket for
    /// Cancel().
    std::uint64_t Wait(Waiter waiter);
    /// Withdraws a waiter that has not been served; harmless otherwise.
    void Cancel(std::uint64_t ticket) noexcept;

private:
    void Release(SegmentBytes bytes) noexcept;
    Buffer Take();

    std::size_t buffer_size_;
    std::size_t capacity_;
    std::size_t outstanding_ = 0;
    std::size_t peak_ = 0;
    std::vector<SegmentBytes> free_;
    std::deque<std::pair<std::uint64_t, Waiter>> waiters_;
    std::uint64_t next_ticket_ = 1;
};

} // namespace sealpost::store
