#include "mail/RetryPolicy.hxx"

#include <algorithm>

namespace sealpost {

std::chrono::milliseconds RetryPolicy::DelayAfter(unsigned failed_attempts) const noexcept {
    std::chrono::milliseconds delay = std::max(first_delay, std::chrono::milliseconds{1});
    for (unsigned n = 1; n < failed_attempts && delay < max_delay; ++n)
        delay *= 2;
    return std::min(delay, std::max(max_delay, std::chrono::milliseconds{1}));
}

} // namespace sealpost
