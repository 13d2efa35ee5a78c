// The administration API (the OpenAPI document, Administration): session login/logout with the
// cookie sp_admin, transfers list/search, unlock, delete, the audit log (query with
// filters and cursor paging, JSON or CSV export, chain verification) and statistics.
// Role admin may do everything; role auditor only reads the audit log and verifies it
// (403 otherwise). Logins are rate-limited per client IP and per user name (429 with
// Retry-After); POST and DELETE must carry this service's Origin (a missing one is
// refused too: the admin API is for the admin page only). The session cookie is
// sp_admin, or __Host-sp_admin over HTTPS (security::CookiePolicy), with Path=/. The routes audit
// admin_login, admin_login_failed, transfer_unlocked and admin_deleted themselves.
//
// Threads: AddAdminRoutes() at start-up; the handlers and the AdminContext live on the
// loop thread. Argon2id runs through Storage::RunKdf, index scans, writes and audit
// reads on the threadpool. The AdminContext must outlive the server's loop.
#pragma once

#include "admin/AdminSessions.hxx"
#include "security/CookiePolicy.hxx"
#include "security/RateLimiter.hxx"

#include <chrono>
#include <cstdint>
#include <string>

namespace sealpost {
struct Config;
}
namespace sealpost::http {
class Router;
}
namespace sealpost::store {
class Storage;
}
namespace sealpost::audit {
class AuditLog;
}

namespace sealpost::admin {

class AdminUsers;

struct AdminOptions {
    SessionOptions sessions;
    /// Login attempts per client IP and per user name; a success clears both.
    security::RateLimit login_per_ip{.limit = 10, .window = std::chrono::minutes(15)};
    security::RateLimit login_per_user{.limit = 5, .window = std::chrono::minutes(15)};
};

class AdminContext {
public:
    AdminContext(const Config& config, store::Storage& storage, audit::AuditLog& audit,
                 AdminUsers& users, AdminOptions options = {});

    const Config& config;
    store::Storage& storage;
    audit::AuditLog& audit;
    AdminUsers& users;
    AdminSessions sessions;
    security::RateLimiter login_by_ip;
    security::RateLimiter login_by_user;
    security::CookiePolicy cookies;
};

/// The name of the session cookie (before the CookiePolicy's prefix).
inline constexpr const char* kAdminCookie = "sp_admin";

void AddAdminRoutes(http::Router& router, AdminContext& context);

} // namespace sealpost::admin
