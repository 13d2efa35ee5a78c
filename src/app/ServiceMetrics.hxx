// The service's series on /metrics beyond the HTTP server's own: build info,
// process (CPU, memory, file descriptors, start time), storage (transfers by
// status, locked transfers, bytes held, free disk), the mail outbox (depth,
// oldest message, delivery results), the Argon2id queue (running and waiting
// password checks) and password failures and lockouts (counted from the audit
// events App receives). Storage and outbox figures are
// read at scrape time, at most every kRefreshSeconds, through their public
// read calls. Owned by App; everything runs on the loop thread.
#pragma once

#include "http/Metrics.hxx"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost {
struct Config;
class Outbox;
} // namespace sealpost
namespace sealpost::store {
class Storage;
}

namespace sealpost::app {

class ServiceMetrics {
public:
    static constexpr std::int64_t kRefreshSeconds = 10;

    ServiceMetrics(const Config& config, const store::Storage& storage, Outbox& outbox);

    /// Adds this object's collectors; it must outlive `metrics`' scrapes.
    void Register(http::Metrics& metrics);

    /// The outbox's delivery reports (sent, or given up).
    void CountDelivery(bool sent) noexcept { ++(sent ? mail_sent_ : mail_failed_); }
    /// Every audit event App appends; counts the ones alerts need.
    void CountAuditEvent(std::string_view event) noexcept;

private:
    void Write(http::MetricsWriter& writer);
    void Refresh();

    const Config& config_;
    const store::Storage& storage_;
    Outbox& outbox_;
    std::uint64_t mail_sent_ = 0, mail_failed_ = 0;
    std::uint64_t password_failures_ = 0, lockouts_ = 0, shredded_ = 0;

    struct Snapshot {
        std::int64_t taken_at = 0;
        nlohmann::json storage; ///< admin::ComputeStats
        std::uint64_t outbox_depth = 0;
        std::uint64_t outbox_retrying = 0;
        double outbox_oldest_seconds = 0;
        std::string error; ///< why the last refresh failed, if it did
    };
    std::optional<Snapshot> snapshot_;
};

} // namespace sealpost::app
