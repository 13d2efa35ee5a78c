#include "app/ServiceMetrics.hxx"
#include "admin/AdminQueries.hxx"
#include "config/Config.hxx"
#include "http/ProcessMetrics.hxx"
#include "log/Log.hxx"
#include "mail/Outbox.hxx"
#include "sealpost/Version.hxx"
#include "store/Storage.hxx"

#include <algorithm>
#include <chrono>

namespace sealpost::app {
namespace {

std::int64_t NowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

ServiceMetrics::ServiceMetrics(const Config& config, const store::Storage& storage, Outbox& outbox)
    : config_(config), storage_(storage), outbox_(outbox) {}

void ServiceMetrics::Register(http::Metrics& metrics) {
    metrics.AddCollector([this](http::MetricsWriter& writer) { Write(writer); });
}

void ServiceMetrics::CountAuditEvent(std::string_view event) noexcept {
    if (event == "password_failed")
        ++password_failures_;
    else if (event == "transfer_locked")
        ++lockouts_;
    else if (event == "transfer_deleted_attempts")
        ++shredded_;
}

void ServiceMetrics::Refresh() {
    const std::int64_t now = NowMs();
    if (snapshot_ && now - snapshot_->taken_at < kRefreshSeconds * 1000)
        return;
    Snapshot snapshot;
    snapshot.taken_at = now;
    try {
        // Short LMDB read transactions (no disk wait beyond the page cache).
        snapshot.storage = admin::ComputeStats(storage_.index(), nullptr, config_);
        const auto pending = outbox_.Pending();
        snapshot.outbox_depth = pending.size();
        std::int64_t oldest = now;
        for (const auto& entry : pending) {
            oldest = std::min(oldest, entry.created_at_ms);
            if (entry.attempts > 0)
                ++snapshot.outbox_retrying;
        }
        snapshot.outbox_oldest_seconds = static_cast<double>(now - oldest) / 1000.0;
    } catch (const std::exception& e) {
        snapshot.error = e.what();
        log::Write(log::Level::warn, "metrics_refresh_failed", {{"error", e.what()}});
    }
    snapshot_ = std::move(snapshot);
}

void ServiceMetrics::Write(http::MetricsWriter& w) {
    w.Family("sealpost_build_info", "gauge", "Version and TLS library of the running binary.");
#ifdef SEALPOST_BORINGSSL
    constexpr std::string_view kTls = "boringssl";
#else
    constexpr std::string_view kTls = "openssl";
#endif
    w.Sample("sealpost_build_info", {{"version", kVersion}, {"tls", kTls}}, std::uint64_t{1});
    http::WriteProcessMetrics(w);

    w.Family("sealpost_mail_deliveries_total", "counter",
             "Outbox messages accepted by the transport (sent) or given up (failed).");
    w.Sample("sealpost_mail_deliveries_total", {{"result", "sent"}}, mail_sent_);
    w.Sample("sealpost_mail_deliveries_total", {{"result", "failed"}}, mail_failed_);
    w.Counter("sealpost_password_failures_total", "Wrong transfer passwords.", password_failures_);
    w.Counter("sealpost_transfer_lockouts_total",
              "Transfers locked after consecutive wrong passwords.", lockouts_);
    w.Counter("sealpost_transfers_shredded_after_attempts_total",
              "Transfers deleted after too many wrong passwords.", shredded_);

    w.Gauge("sealpost_argon2id_queue_depth",
            "Argon2id password checks running or waiting for a thread.",
            static_cast<double>(storage_.KdfDepth()));

    Refresh();
    w.Gauge("sealpost_metrics_refresh_ok",
            "1 when the last read of the storage and outbox figures succeeded.",
            snapshot_->error.empty() ? 1.0 : 0.0);
    if (!snapshot_->error.empty())
        return;
    w.Gauge("sealpost_outbox_messages", "Messages waiting in the mail outbox.",
            static_cast<double>(snapshot_->outbox_depth));
    w.Gauge("sealpost_outbox_retrying_messages",
            "Outbox messages whose delivery failed at least once and will be retried.",
            static_cast<double>(snapshot_->outbox_retrying));
    w.Gauge("sealpost_outbox_oldest_message_age_seconds",
            "Age of the oldest message in the outbox (0 when empty).",
            snapshot_->outbox_oldest_seconds);

    const nlohmann::json& stats = snapshot_->storage;
    const auto& transfers = stats.at("transfers");
    w.Family("sealpost_transfers", "gauge", "Transfers in the index by status.");
    for (const char* status : {"open", "provided", "revoked", "expired", "deleted"})
        w.Sample("sealpost_transfers", {{"status", status}},
                 transfers.at(status).get<std::uint64_t>());
    w.Gauge("sealpost_transfers_locked", "Transfers locked by wrong passwords right now.",
            transfers.at("locked").get<double>());
    const auto& bytes = stats.at("bytes");
    w.Family("sealpost_stored_bytes", "gauge",
             "Plaintext bytes of the files held, by transfer status (open: declared sizes of "
             "uploads in progress).");
    for (const char* status : {"open", "provided"})
        w.Sample("sealpost_stored_bytes", {{"status", status}},
                 bytes.at(status).get<std::uint64_t>());
    if (stats.contains("disk")) {
        const auto& disk = stats.at("disk");
        w.Gauge("sealpost_data_disk_available_bytes",
                "Bytes available to sealpost on the data folder's file system.",
                disk.value("available", 0.0));
        w.Gauge("sealpost_data_disk_capacity_bytes", "Size of the data folder's file system.",
                disk.value("capacity", 0.0));
    }
}

} // namespace sealpost::app
