#include "app/App.hxx"
#include "admin/AdminRoutes.hxx"
#include "admin/AdminUsers.hxx"
#include "app/DataCheck.hxx"
#include "app/ServiceMetrics.hxx"
#include "app/ServiceRoutes.hxx"
#include "audit/AuditLog.hxx"
#include "audit/AuditStore.hxx"
#include "crypto/ServerKey.hxx"
#include "download/DownloadRoutes.hxx"
#include "http/Exchange.hxx"
#include "http/Server.hxx"
#include "lib/ssl/TlsContext.hxx"
#include "lib/systemd/Notify.hxx"
#include "lib/uv/Loop.hxx"
#include "lib/uv/Signal.hxx"
#include "log/Log.hxx"
#include "mail/Outbox.hxx"
#include "mail/SpoolCleaner.hxx"
#include "mail/TransportFactory.hxx"
#include "security/ClientIp.hxx"
#include "security/SenderAuthenticator.hxx"
#include "transfer/QuickAccess.hxx"
#include "store/Storage.hxx"
#include "store/StorageConfig.hxx"
#include "transfer/ApiContext.hxx"
#include "transfer/Routes.hxx"
#include "tus/TusRoutes.hxx"
#include "web/StaticFiles.hxx"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <system_error>

namespace sealpost::app {
namespace {

http::ServerLimits LimitsFrom(const Config& config) {
    http::ServerLimits limits;
    limits.max_header_size = config.server.max_header_size;
    limits.max_request_body = config.server.max_request_body;
    limits.header_timeout_ms = static_cast<std::uint64_t>(config.server.header_timeout.count());
    limits.idle_timeout_ms = static_cast<std::uint64_t>(config.server.idle_timeout.count());
    limits.body_timeout_ms = static_cast<std::uint64_t>(config.server.body_timeout.count());
    limits.min_body_rate = config.server.min_body_rate;
    limits.body_rate_window_ms = static_cast<std::uint64_t>(config.server.body_rate_window.count());
    limits.shutdown_timeout_ms = static_cast<std::uint64_t>(config.server.shutdown_timeout.count());
    limits.max_connections = config.server.max_connections;
    return limits;
}

// Type=notify units: READY=1 once the listener is up, STOPPING=1 at shutdown.
void TellServiceManager(std::string_view state) {
    std::string error;
    if (systemd::Notify(state, &error) == systemd::NotifyResult::failed)
        log::Write(log::Level::warn, "systemd_notify_failed", {{"error", error}});
}

} // namespace

App::App(uv::Loop& loop, Config config) : loop_(loop), config_(std::move(config)) {}

App::~App() = default;

void App::PrepareDataDir() {
    namespace fs = std::filesystem;
    const fs::path& data = config_.server.data_dir;
    for (const fs::path& dir : {data, data / "blobs", data / "keys"}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    }
    fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
    fs::permissions(data / "keys", fs::perms::owner_all, fs::perm_options::replace);
}

void App::Start() {
    PrepareDataDir();
    // Before anything maps them: a truncated or emptied LMDB file is refused.
    CheckDataFiles(config_.server.data_dir);
    std::shared_ptr<ssl::TlsContext> tls;
    if (config_.tls.Enabled())
        tls =
            std::make_shared<ssl::TlsContext>(config_.tls.cert.string(), config_.tls.key.string());

    storage_ = std::make_unique<store::Storage>(loop_.get(), store::StorageOptionsFrom(config_));
    audit_ = std::make_unique<audit::AuditLog>(loop_.get(), config_.server.data_dir / "audit");

    OutboxOptions outbox_options;
    outbox_options.dir = OutboxDirectory(config_);
    outbox_options.retry.first_delay = config_.mail.retry_first_delay;
    {
        // Queued mail is sealed at rest under a key of its own, derived from
        // the server key (a notification may list file names). The server key
        // sits in the same data folder: this keeps queued mail out of a copy
        // of the outbox alone, not out of a copy of the whole folder.
        outbox_options.body_key = std::make_shared<sodium::SecretBytes<32>>(
            storage_->server_key().Derive("sealpost/outbox/body"));
    }
    OutboxHooks hooks;
    hooks.on_sent = [this](const OutboxReport& report) {
        log::Write(log::Level::info, "mail_sent",
                   {{"kind", report.kind}, {"reference", report.reference}});
        if (service_metrics_)
            service_metrics_->CountDelivery(true);
        if (api_)
            api_->Audit({.event = "notification_sent",
                         .transfer_id = report.reference,
                         .detail = {{"kind", report.kind}, {"attempts", report.attempts}}});
    };
    hooks.on_failed = [this](const OutboxReport& report) {
        log::Write(
            log::Level::error, "mail_given_up",
            {{"kind", report.kind}, {"reference", report.reference}, {"error", report.error}});
        if (service_metrics_)
            service_metrics_->CountDelivery(false);
        if (api_)
            api_->Audit({.event = "notification_failed",
                         .transfer_id = report.reference,
                         .detail = {{"kind", report.kind},
                                    {"attempts", report.attempts},
                                    {"error", report.error}}});
    };
    outbox_ = std::make_unique<Outbox>(loop_.get(), outbox_options, CreateMessageTransport(config_),
                                       std::move(hooks));
    outbox_->Start();
    // Spooled .eml files are plaintext: they go after mail.spool_retention.
    spool_cleaner_ = std::make_unique<SpoolCleaner>(loop_.get(), SpoolDirectory(config_),
                                                    config_.mail.spool_retention);
    spool_cleaner_->Start();
    api_ = std::make_unique<transfer::ApiContext>(config_, *storage_, *outbox_);
    api_->audit_hook = [this](audit::AuditEvent event) {
        if (service_metrics_)
            service_metrics_->CountAuditEvent(event.event);
        try {
            audit_->Append(std::move(event));
        } catch (const std::exception& e) {
            log::Write(log::Level::error, "audit_event_refused", {{"error", e.what()}});
        }
    };
    api_->audit_barrier_hook = [this](std::function<void(bool)> done) {
        audit_->WhenStored(std::move(done));
    };
    // Started once deletions can be mailed and audited: Start() removes what
    // expired while the service was down.
    storage_->on_deleted = [this](const store::TransferRecord& t, store::DeletionReason reason,
                                  const store::Actor& actor) {
        api_->TransferDeleted(t, reason, actor);
    };
    storage_->on_file_complete = [this](const store::FileRecord& f) { api_->FileUploaded(f); };
    // Reports a crash cut short are made again at start, without a second
    // audit record when the first one was stored.
    storage_->on_unreported = [this](const store::TransferRecord& t,
                                     const store::PendingReport& report) {
        api_->ResumeReport(t, report);
    };
    api_->audit_holds_hook = [this](std::string_view transfer_id, std::string_view event) {
        audit::AuditQuery query;
        query.transfer_id = std::string(transfer_id);
        query.event = std::string(event);
        query.limit = 1;
        return !audit_->store().Query(query).events.empty();
    };
    storage_->Start();
    // Audit records stay audit.retention_days, and that long after their transfer is gone.
    audit_->StartRetention(static_cast<std::int64_t>(config_.audit.retention_days) * 86400,
                           [&index = storage_->index()](std::string_view transfer_id) {
                               return index.GetTransfer(transfer_id).has_value();
                           });
    admin_users_ = std::make_unique<admin::AdminUsers>(config_.server.data_dir / "admin");
    admin_ = std::make_unique<admin::AdminContext>(config_, *storage_, *audit_, *admin_users_);

    static_files_ = std::make_unique<web::StaticFiles>(config_.server.static_dir.string());
    server_ = std::make_unique<http::Server>(loop_.get(), router_, LimitsFrom(config_), tls);
    // A request id from the proxy is kept only when the proxy is trusted.
    server_->SetRequestIdTrust(
        [&proxies = config_.security.trusted_proxies](std::string_view peer) {
            return std::any_of(proxies.begin(), proxies.end(),
                               [peer](const IpNetwork& network) { return network.Contains(peer); });
        });
    server_->SetLogClient([&config = config_](const http::Request& request) {
        return security::ClientIp(request, config.security.trusted_proxies);
    });
    AddServiceRoutes(router_, *server_, config_);
    service_metrics_ = std::make_unique<ServiceMetrics>(config_, *storage_, *outbox_);
    service_metrics_->Register(server_->metrics());
    tus::AddTusRoutes(router_, *storage_, server_->metrics());
    sender_auth_ = std::make_unique<security::SenderAuthenticator>(config_, api_->senders());
    transfer::AddSenderRoutes(router_, *api_, *sender_auth_);
    transfer::AddTransferRoutes(router_, *api_, *sender_auth_);
    transfer::GuardUploads(router_, *api_, *sender_auth_);
    download::AddDownloadRoutes(router_, *api_, *sender_auth_, server_->metrics());
    transfer::AddQuickRoutes(router_, *api_, *sender_auth_);
    admin::AddAdminRoutes(router_, *admin_);
    static_files_->AddRoutes(router_);
    server_->SetFallback([this](http::Exchange& ex) {
        const std::string& path = ex.request().path;
        if (path.starts_with("/api/")) {
            ex.Respond(http::Response::Problem(404, "no such resource"));
            return;
        }
        static_files_->Serve(ex, path);
    });
    server_->Listen(config_.server.listen.ToString());

    sigterm_ = std::make_unique<uv::Signal>(loop_.get(), SIGTERM, [this] { Stop(); });
    sigint_ = std::make_unique<uv::Signal>(loop_.get(), SIGINT, [this] { Stop(); });
    sighup_ = std::make_unique<uv::Signal>(loop_.get(), SIGHUP, [this] {
        try {
            server_->ReloadTls();
            log::Write(log::Level::info, "tls_reloaded");
        } catch (const std::exception& e) {
            log::Write(log::Level::error, "tls_reload_failed",
                       {{"error", e.what()}, {"keeping", "the old certificate"}});
        }
    });
    // The bound port (the configured one, or the kernel's pick for port 0).
    ListenAddress bound = config_.server.listen;
    bound.port = static_cast<std::uint16_t>(server_->Port());
    log::Write(log::Level::info, "listening",
               {{"url", std::string(tls ? "https://" : "http://") + bound.ToString()},
                {"data_dir", config_.server.data_dir.string()}});
    TellServiceManager("READY=1\nSTATUS=listening on " + bound.ToString());
}

void App::Stop() {
    if (!server_)
        return;
    log::Write(log::Level::info, "shutting_down");
    TellServiceManager("STOPPING=1");
    sigterm_.reset();
    sigint_.reset();
    sighup_.reset();
    server_->Shutdown([this] {
        log::Write(log::Level::info, "connections_closed");
        storage_->Stop();
        spool_cleaner_.reset();
        outbox_->Stop([this] {
            log::Write(log::Level::info, "outbox_stopped");
            // Last: the outbox's delivery reports are audit events.
            audit_->Stop([] { log::Write(log::Level::info, "audit_stopped"); });
        });
    });
}

int App::Port() const {
    return server_ ? server_->Port() : 0;
}

} // namespace sealpost::app
