// Rate limits per key (an IP, "user:NAME", a transfer id…) for brute-force protection
// (README): a token bucket of `limit` tokens per key, refilled evenly over
// `window`, so at most `limit` hits pass in a burst and `limit` per window on average.
// A refused hit learns how many seconds to wait (the Retry-After value). Memory is
// bounded: at most `max_keys` buckets; when full, buckets that have refilled (which
// are the same as no bucket) are dropped first, then the least recently used.
// The clock is injectable for tests.
//
// Threads: one RateLimiter belongs to one thread (the loop thread); no locking.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sealpost::security {

struct RateLimit {
    std::uint32_t limit = 5;
    std::chrono::seconds window{60};
    std::size_t max_keys = 100'000;
};

class RateLimiter {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit RateLimiter(RateLimit limit, Clock clock = {});

    /// Takes one token for key: 0 when the hit is allowed, otherwise the seconds
    /// (at least 1) until a token is back, and nothing is taken.
    std::uint32_t Take(std::string_view key);

    /// 0 when Take(key) would pass now; the wait in seconds otherwise. Takes nothing.
    std::uint32_t RetryAfter(std::string_view key);

    /// Forgets the key (a full bucket).
    void Reset(std::string_view key);

    std::size_t Size() const noexcept { return buckets_.size(); }
    const RateLimit& limit() const noexcept { return limit_; }

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point updated;
        std::list<std::string>::iterator lru;
    };

    Bucket* Find(std::string_view key, std::chrono::steady_clock::time_point now);
    void Refill(Bucket& bucket, std::chrono::steady_clock::time_point now) const;
    std::uint32_t WaitSeconds(const Bucket& bucket) const;
    void MakeRoom(std::chrono::steady_clock::time_point now);

    RateLimit limit_;
    Clock clock_;
    /// Tokens per second.
    double rate_;
    std::unordered_map<std::string, Bucket> buckets_;
    /// Keys, most recently used first.
    std::list<std::string> lru_;
};

} // namespace sealpost::security
