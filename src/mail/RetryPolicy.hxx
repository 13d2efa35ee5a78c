// When the outbox tries a message again: exponential backoff from first_delay,
// doubling after every failed attempt up to max_delay, until the message has
// waited give_up_after since it was queued. The defaults (30 s, 1 min, 2 min …
// capped at 1 h, given up after 3 days) suit a relay that is down for a
// maintenance window or a weekend; tests shorten them. A value type; any thread.
#pragma once

#include <chrono>

namespace sealpost {

struct RetryPolicy {
    std::chrono::milliseconds first_delay{30'000};
    std::chrono::milliseconds max_delay{3'600'000};
    std::chrono::milliseconds give_up_after{std::chrono::hours{72}};

    /// The wait after `failed_attempts` failures in a row (1 → first_delay).
    std::chrono::milliseconds DelayAfter(unsigned failed_attempts) const noexcept;
};

} // namespace sealpost
