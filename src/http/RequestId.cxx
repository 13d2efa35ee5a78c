#include "http/RequestId.hxx"

#include <fmt/format.h>

#include <cstdint>
#include <random>

namespace sealpost::http {

bool IsWellFormedRequestId(std::string_view id) noexcept {
    if (id.empty() || id.size() > 128)
        return false;
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

std::string NewRequestId() {
    // Ids label log lines; they guard nothing, so a seeded generator will do.
    thread_local std::mt19937_64 generator{[] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }()};
    return fmt::format("{:016x}{:016x}", generator(), generator());
}

} // namespace sealpost::http
