#include "security/RateLimiter.hxx"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sealpost::security {

RateLimiter::RateLimiter(RateLimit limit, Clock clock)
    : limit_(limit), clock_(clock ? std::move(clock) : Clock(&std::chrono::steady_clock::now)) {
    if (limit_.limit == 0 || limit_.window.count() <= 0 || limit_.max_keys == 0)
        throw std::invalid_argument("a rate limit needs a positive limit, window and size");
    rate_ = static_cast<double>(limit_.limit) / static_cast<double>(limit_.window.count());
}

void RateLimiter::Refill(Bucket& bucket, std::chrono::steady_clock::time_point now) const {
    if (now <= bucket.updated)
        return;
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min<double>(limit_.limit, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
}

std::uint32_t RateLimiter::WaitSeconds(const Bucket& bucket) const {
    if (bucket.tokens >= 1.0)
        return 0;
    const double seconds = std::ceil((1.0 - bucket.tokens) / rate_);
    return static_cast<std::uint32_t>(std::max(1.0, seconds));
}

RateLimiter::Bucket* RateLimiter::Find(std::string_view key,
                                       std::chrono::steady_clock::time_point now) {
    const auto it = buckets_.find(std::string(key));
    if (it == buckets_.end())
        return nullptr;
    Refill(it->second, now);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return &it->second;
}

void RateLimiter::MakeRoom(std::chrono::steady_clock::time_point now) {
    if (buckets_.size() < limit_.max_keys)
        return;
    // Buckets that have filled up again carry no information.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        Refill(it->second, now);
        if (it->second.tokens >= limit_.limit) {
            lru_.erase(it->second.lru);
            it = buckets_.erase(it);
        } else {
            ++it;
        }
    }
    while (buckets_.size() >= limit_.max_keys) {
        buckets_.erase(lru_.back());
        lru_.pop_back();
    }
}

std::uint32_t RateLimiter::Take(std::string_view key) {
    const auto now = clock_();
    Bucket* bucket = Find(key, now);
    if (!bucket) {
        MakeRoom(now);
        lru_.emplace_front(key);
        bucket = &buckets_
                      .emplace(std::string(key),
                               Bucket{static_cast<double>(limit_.limit), now, lru_.begin()})
                      .first->second;
    }
    if (const std::uint32_t wait = WaitSeconds(*bucket))
        return wait;
    bucket->tokens -= 1.0;
    return 0;
}

std::uint32_t RateLimiter::RetryAfter(std::string_view key) {
    const Bucket* bucket = Find(key, clock_());
    return bucket ? WaitSeconds(*bucket) : 0;
}

void RateLimiter::Reset(std::string_view key) {
    const auto it = buckets_.find(std::string(key));
    if (it == buckets_.end())
        return;
    lru_.erase(it->second.lru);
    buckets_.erase(it);
}

} // namespace sealpost::security
