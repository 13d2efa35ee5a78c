#include "store/SegmentPool.hxx"

#include <algorithm>

namespace sealpost::store {

SegmentPool::Buffer& SegmentPool::Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        Reset();
        pool_ = std::move(other.pool_);
        bytes_ = std::move(other.bytes_);
    }
    return *this;
}

void SegmentPool::Buffer::Reset() noexcept {
    if (auto pool = std::move(pool_)) {
        pool_.reset();
        pool->Release(std::move(bytes_));
    }
    bytes_ = {};
}

SegmentPool::SegmentPool(std::size_t buffer_size, std::size_t capacity)
    : buffer_size_(buffer_size), capacity_(std::max<std::size_t>(capacity, 1)) {}

SegmentPool::Buffer SegmentPool::Take() {
    SegmentBytes bytes;
    if (!free_.empty()) {
        bytes = std::move(free_.back());
        free_.pop_back();
    } else {
        // Recycled buffers are kept: a fresh allocation per segment would
        // cost page faults (zeroed pages from the kernel) on every one.
        bytes = SegmentBytes(buffer_size_);
    }
    ++outstanding_;
    peak_ = std::max(peak_, outstanding_);
    return Buffer(shared_from_this(), std::move(bytes));
}

SegmentPool::Buffer SegmentPool::TryAcquire() {
    if (outstanding_ >= capacity_ || !waiters_.empty())
        return {};
    return Take();
}

SegmentPool::Buffer SegmentPool::Overdraw() {
    return Take();
}

std::uint64_t SegmentPool::Wait(Waiter waiter) {
    const std::uint64_t ticket = next_ticket_++;
    waiters_.emplace_back(ticket, std::move(waiter));
    return ticket;
}

void SegmentPool::Cancel(std::uint64_t ticket) noexcept {
    const auto it = std::find_if(waiters_.begin(), waiters_.end(),
                                 [ticket](const auto& w) { return w.first == ticket; });
    if (it != waiters_.end())
        waiters_.erase(it);
}

void SegmentPool::Release(SegmentBytes bytes) noexcept {
    --outstanding_;
    // Overdrawn buffers are freed; the others are kept for the next upload.
    if (outstanding_ + free_.size() < capacity_ && bytes.capacity() >= buffer_size_)
        free_.push_back(std::move(bytes));
    if (waiters_.empty() || outstanding_ >= capacity_)
        return;
    Waiter waiter = std::move(waiters_.front().second);
    waiters_.pop_front();
    try {
        waiter(Take());
    } catch (...) {
        // A waiter that cannot take its buffer has let it go back already.
    }
}

} // namespace sealpost::store
