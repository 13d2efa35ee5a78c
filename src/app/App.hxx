// The running sealpost service: configuration, HTTP server, routes and signal
// handling, all on one libuv loop. Constructed and driven by `sealpost serve`
// on the main thread, which is the loop thread.
#pragma once

#include "config/Config.hxx"
#include "http/Router.hxx"

#include <memory>

namespace sealpost::uv {
class Loop;
class Signal;
} // namespace sealpost::uv
namespace sealpost::http {
class Server;
}
namespace sealpost::web {
class StaticFiles;
}
namespace sealpost::store {
class Storage;
}
namespace sealpost::transfer {
class ApiContext;
}
namespace sealpost::security {
class SenderAuthenticator;
}
namespace sealpost {
class Outbox;
class SpoolCleaner;
} // namespace sealpost
namespace sealpost::audit {
class AuditLog;
}
namespace sealpost::admin {
class AdminUsers;
class AdminContext;
} // namespace sealpost::admin

namespace sealpost::app {

class ServiceMetrics;

class App {
public:
    App(uv::Loop& loop, Config config);
    ~App();

    /// Prepares the data folder, binds the listener, installs signal handlers.
    /// Throws with a readable message on failure.
    void Start();
    /// Graceful shutdown (also what SIGTERM/SIGINT do).
    void Stop();

    int Port() const;
    /// The routes, complete after Start().
    const http::Router& router() const { return router_; }
    store::Storage& storage() { return *storage_; }
    transfer::ApiContext& api() { return *api_; }
    /// The audit log (data_dir/audit); Append() from any route on the loop thread.
    audit::AuditLog& audit() { return *audit_; }

private:
    void PrepareDataDir();

    uv::Loop& loop_;
    Config config_;
    http::Router router_;
    std::unique_ptr<store::Storage> storage_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<SpoolCleaner> spool_cleaner_;
    std::unique_ptr<transfer::ApiContext> api_;
    std::unique_ptr<security::SenderAuthenticator> sender_auth_;
    std::unique_ptr<audit::AuditLog> audit_;
    std::unique_ptr<admin::AdminUsers> admin_users_;
    std::unique_ptr<admin::AdminContext> admin_;
    std::unique_ptr<web::StaticFiles> static_files_;
    // Before server_: its metrics call into this until the server is gone.
    std::unique_ptr<ServiceMetrics> service_metrics_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<uv::Signal> sigterm_, sigint_, sighup_;
};

} // namespace sealpost::app
