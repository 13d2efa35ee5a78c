#include "admin/AdminRoutes.hxx"

#include "admin/AdminQueries.hxx"
#include "admin/AdminUsers.hxx"
#include "admin/Totp.hxx"
#include "audit/AuditExport.hxx"
#include "audit/AuditLog.hxx"
#include "audit/AuditStore.hxx"
#include "config/Config.hxx"
#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "lib/sodium/PasswordHash.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "security/ClientIp.hxx"
#include "security/Origin.hxx"
#include "security/TooManyRequests.hxx"
#include "store/Storage.hxx"
#include "util/Text.hxx"
#include "util/Time.hxx"

#include <nlohmann/json.hpp>

#include <charconv>

namespace sealpost::admin {

namespace {

using http::Exchange;
using http::Response;

constexpr std::size_t kMaxAuditPage = 1000;
constexpr std::size_t kMaxAuditExport = 100'000;

struct Caller {
    std::string user;
    Role role = Role::admin;
};

std::int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string SessionCookie(const AdminContext& ctx, std::string_view value, std::int64_t max_age) {
    return ctx.cookies.SiteCookie(kAdminCookie, value, max_age);
}

/// State-changing requests must carry this service's Origin; false after a 403.
bool OriginAllowed(const AdminContext& ctx, Exchange& ex) {
    return security::CheckOrigin(ex, ctx.config.server.public_url, security::OriginRule::required);
}

audit::AuditEvent EventFor(const AdminContext& ctx, const Exchange& ex, std::string name) {
    audit::AuditEvent event;
    event.event = std::move(name);
    event.ip = security::ClientIp(ex, ctx.config.security.trusted_proxies);
    event.user_agent = std::string(ex.request().headers.Get("User-Agent").value_or(""));
    return event;
}

/// Records the event; the answer to `ex` (when the client is still there) waits
/// until the record is durable (http::Exchange::Hold).
void Record(AdminContext& ctx, Exchange* ex, audit::AuditEvent event) {
    try {
        ctx.audit.Append(std::move(event));
    } catch (const std::exception& e) {
        log::Write(log::Level::error, "audit_event_refused", {{"error", e.what()}});
    }
    if (ex)
        ctx.audit.WhenStored(ex->Hold());
}

/// The caller of an admin route, or nullopt after answering 401/403.
std::optional<Caller> Authorize(AdminContext& ctx, Exchange& ex, bool admin_only) {
    if (!OriginAllowed(ctx, ex))
        return std::nullopt;
    const auto id = ctx.cookies.ReadSite(ex.request().headers, kAdminCookie);
    const auto name = id ? ctx.sessions.Touch(*id) : std::nullopt;
    const auto user = name ? ctx.users.Get(*name) : std::nullopt;
    if (!user) {
        if (name)
            ctx.sessions.EndUser(*name);
        ex.Respond(Response::Problem(401, "an administrator session is required"));
        return std::nullopt;
    }
    if (admin_only && user->role != Role::admin) {
        ex.Respond(Response::Problem(403, "this needs the admin role"));
        return std::nullopt;
    }
    return Caller{user->name, user->role};
}

/// Runs `work` on the threadpool and answers with its result (or 500).
void Answer(Exchange& ex, std::function<Response()> work) {
    auto result = std::make_shared<Response>();
    uv::QueueWork(
        ex.loop(), [result, work = std::move(work)] { *result = work(); },
        [ref = ex.Ref(), result](std::exception_ptr error) {
            Exchange* live = ref.get();
            if (!live)
                return;
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    log::Write(log::Level::error, "admin_request_failed", {{"error", e.what()}});
                } catch (...) {
                }
                live->Respond(Response::Problem(500, "the request could not be completed"));
                return;
            }
            live->Respond(std::move(*result));
        });
}

/// A hash to verify against when the user does not exist, so that the answer takes
/// as long as for a real user. Computed once, on the threadpool.
const std::string& DummyHash(std::uint64_t opslimit, std::uint64_t memlimit) {
    static const std::string hash =
        sodium::PasswordHashString("not a password of anyone", opslimit, memlimit);
    return hash;
}

// --- session -------------------------------------------------------------------

void Login(AdminContext& ctx, Exchange& ex) {
    if (!OriginAllowed(ctx, ex))
        return;
    std::string username, password, totp;
    try {
        const auto body = nlohmann::json::parse(ex.body());
        username = body.at("username").get<std::string>();
        password = body.at("password").get<std::string>();
        if (const auto it = body.find("totp"); it != body.end() && !it->is_null())
            totp = it->get<std::string>();
    } catch (const nlohmann::json::exception&) {
        ex.Respond(Response::Problem(400, "expected {\"username\",\"password\",\"totp\"?}"));
        return;
    }
    username = LowerAscii(username);
    const std::string ip = security::ClientIp(ex, ctx.config.security.trusted_proxies);
    const std::string user_key = IsValidUserName(username) ? username : std::string("?");
    // Every attempt takes a token; a success gives them back.
    if (const auto wait = std::max(ctx.login_by_ip.Take(ip), ctx.login_by_user.Take(user_key))) {
        ex.Respond(security::TooManyRequests(wait));
        return;
    }

    const auto found = ctx.users.Get(username);
    struct Outcome {
        bool ok = false;
        std::optional<std::int64_t> step;
    };
    auto outcome = std::make_shared<Outcome>();
    const std::uint64_t opslimit = ctx.config.kdf.opslimit;
    const std::uint64_t memlimit = ctx.config.kdf.memlimit;
    auto job =
        [outcome, &users = ctx.users, username, hash = found ? found->password_hash : std::string(),
         secret = found ? found->totp_secret : std::string(), password, totp, opslimit, memlimit] {
            outcome->ok = sodium::PasswordVerifyString(
                              hash.empty() ? DummyHash(opslimit, memlimit) : hash, password) &&
                          !hash.empty();
            if (!outcome->ok || secret.empty())
                return;
            // A code is used up once accepted: the step is stored with the user, in
            // the same write that accepts it, so a restart does not forget it.
            outcome->step = MatchTotp(secret, totp, UnixNow());
            outcome->ok = outcome->step && users.AcceptTotpStep(username, *outcome->step);
        };
    auto done = [&ctx, ref = ex.Ref(), outcome, username, user_key, ip] {
        Exchange* live = ref.get();
        // The user may have been removed or changed while Argon2id ran.
        const auto user = ctx.users.Get(username);
        const bool success = outcome->ok && user.has_value() &&
                             (user->totp_secret.empty() || outcome->step.has_value());
        const std::optional<std::int64_t> step = outcome->step;
        audit::AuditEvent event;
        if (live) {
            event = EventFor(ctx, *live, success ? "admin_login" : "admin_login_failed");
        } else {
            // The client is gone: no session is made, a failure is still recorded.
            if (success)
                return;
            event.event = "admin_login_failed";
            event.ip = ip;
        }
        // A name that is not a user may be a password typed into the wrong field.
        event.detail =
            user ? nlohmann::json{{"admin", username}} : nlohmann::json{{"known_user", false}};
        if (!success) {
            Record(ctx, live, std::move(event));
            if (live)
                live->Respond(Response::Problem(401, "wrong user name, password or code"));
            return;
        }
        ctx.login_by_ip.Reset(ip);
        ctx.login_by_user.Reset(user_key);
        event.detail["role"] = ToString(user->role);
        event.detail["totp"] = step.has_value();
        Record(ctx, live, std::move(event));
        const std::string id = ctx.sessions.Create(username);
        Response response =
            Response::Json(200, {{"username", username},
                                 {"role", ToString(user->role)},
                                 {"idle_timeout", ctx.sessions.options().idle_timeout.count()}});
        response.headers.Add("Set-Cookie",
                             SessionCookie(ctx, id, ctx.sessions.options().max_age.count()));
        live->Respond(std::move(response));
    };
    if (!ctx.storage.RunKdf(std::move(job), std::move(done))) {
        Response r = Response::Problem(503, "too many password checks are waiting; try again");
        r.headers.Add("Retry-After", "5");
        ex.Respond(std::move(r));
    }
}

void Logout(AdminContext& ctx, Exchange& ex) {
    if (!OriginAllowed(ctx, ex))
        return;
    if (const auto id = ctx.cookies.ReadSite(ex.request().headers, kAdminCookie))
        ctx.sessions.End(*id);
    Response response = Response::Empty(204);
    response.headers.Add("Set-Cookie", SessionCookie(ctx, "", 0));
    ex.Respond(std::move(response));
}

// --- transfers -----------------------------------------------------------------

void ListTransfersRoute(AdminContext& ctx, Exchange& ex) {
    if (!Authorize(ctx, ex, true))
        return;
    TransferFilter filter;
    const auto& request = ex.request();
    if (const auto status = request.QueryParam("status"); status && !status->empty()) {
        filter.status = ParseTransferStatus(*status);
        if (!filter.status) {
            ex.Respond(Response::Problem(
                400, "status: expected open, provided, revoked, expired or deleted"));
            return;
        }
    }
    filter.sender = request.QueryParam("sender").value_or("");
    filter.recipient = request.QueryParam("recipient").value_or("");
    Answer(ex, [&index = ctx.storage.index(), filter] {
        return Response::Json(200, ListTransfers(index, filter));
    });
}

void Unlock(AdminContext& ctx, Exchange& ex) {
    const auto caller = Authorize(ctx, ex, true);
    if (!caller)
        return;
    const std::string id(ex.request().Param("id"));
    auto event = EventFor(ctx, ex, "transfer_unlocked");
    event.transfer_id = id;
    event.detail = {{"admin", caller->user}};
    auto result = std::make_shared<std::optional<store::TransferRecord>>();
    uv::QueueWork(
        ex.loop(), [&storage = ctx.storage, id, result] { *result = storage.ClearLockNow(id); },
        [&ctx, ref = ex.Ref(), result, event = std::move(event)](std::exception_ptr error) {
            Exchange* live = ref.get();
            if (!error && *result)
                Record(ctx, live, event);
            if (!live)
                return;
            if (error)
                live->Respond(Response::Problem(500, "the transfer could not be unlocked"));
            else if (!*result)
                live->Respond(Response::Problem(404, "no such transfer"));
            else
                live->Respond(
                    Response::Json(200, {{"transfer", TransferSummary(**result, UnixNow())}}));
        });
}

void Delete(AdminContext& ctx, Exchange& ex) {
    const auto caller = Authorize(ctx, ex, true);
    if (!caller)
        return;
    const std::string id(ex.request().Param("id"));
    const auto transfer = ctx.storage.index().GetTransfer(id);
    if (!transfer) {
        ex.Respond(Response::Problem(404, "no such transfer"));
        return;
    }
    const auto event = EventFor(ctx, ex, "admin_deleted");
    store::Actor actor{transfer->sender, event.ip, event.user_agent, {{"admin", caller->user}}};
    // The storage's teardown records admin_deleted (with the previous status).
    ctx.storage.DeleteTransfer(id, store::DeletionReason::admin, std::move(actor),
                               [&ctx, ref = ex.Ref()](bool) {
                                   Exchange* live = ref.get();
                                   if (!live)
                                       return;
                                   // admin_deleted was recorded just before.
                                   ctx.audit.WhenStored(live->Hold());
                                   live->Respond(Response::Empty(204));
                               });
}

// --- audit -----------------------------------------------------------------------

/// Parses the audit filters; answers 400 and returns nullopt when one is malformed.
std::optional<audit::AuditQuery> AuditFilters(Exchange& ex) {
    const auto& request = ex.request();
    audit::AuditQuery query;
    query.transfer_id = request.QueryParam("transfer").value_or("");
    query.email = request.QueryParam("email").value_or("");
    query.event = request.QueryParam("event").value_or("");
    if (!query.event.empty() && !audit::IsAuditEventName(query.event)) {
        ex.Respond(Response::Problem(400, "event: not an audit event name"));
        return std::nullopt;
    }
    for (auto [name, target] : {std::pair{"since", &query.since}, {"until", &query.until}}) {
        const auto text = request.QueryParam(name);
        if (!text || text->empty())
            continue;
        *target = ParseRfc3339OrDate(*text);
        if (!*target) {
            ex.Respond(Response::Problem(400, std::string(name) + ": expected an RFC 3339 time"));
            return std::nullopt;
        }
    }
    for (auto [name, target] : {std::pair{"cursor", 0}, {"limit", 1}}) {
        const auto text = request.QueryParam(name);
        if (!text || text->empty())
            continue;
        std::uint64_t value = 0;
        const auto parsed = std::from_chars(text->data(), text->data() + text->size(), value);
        if (parsed.ec != std::errc{} || parsed.ptr != text->data() + text->size() || value == 0) {
            ex.Respond(Response::Problem(400, std::string(name) + ": expected a positive number"));
            return std::nullopt;
        }
        if (target == 0)
            query.before = value;
        else
            query.limit = static_cast<std::size_t>(value);
    }
    return query;
}

void AuditRoute(AdminContext& ctx, Exchange& ex) {
    if (!Authorize(ctx, ex, false))
        return;
    auto query = AuditFilters(ex);
    if (!query)
        return;
    const auto format_name = ex.request().QueryParam("format").value_or("json");
    const bool page_json = format_name == "json";
    const auto format =
        page_json ? audit::ExportFormat::json_lines
                  : audit::ParseExportFormat(format_name).value_or(audit::ExportFormat::json_lines);
    if (!page_json && !audit::ParseExportFormat(format_name)) {
        ex.Respond(Response::Problem(400, "format: expected json, jsonl or csv"));
        return;
    }
    const bool limit_given = ex.request().QueryParam("limit").has_value();
    query->limit = std::min(query->limit, page_json ? kMaxAuditPage : kMaxAuditExport);
    if (!page_json && !limit_given)
        query->limit = kMaxAuditExport;
    Answer(ex, [&store = ctx.audit.store(), query = *query, page_json, format] {
        const auto page = store.Query(query);
        if (page_json) {
            nlohmann::json events = nlohmann::json::array();
            for (const auto& record : page.events)
                events.push_back(audit::ToJson(record));
            return Response::Json(
                200, {{"events", std::move(events)},
                      {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor)
                                                       : nlohmann::json(nullptr)}});
        }
        std::string body = audit::ExportHeader(format);
        for (const auto& record : page.events)
            body += audit::ExportRecord(format, record);
        Response response = Response::Text(200, std::move(body), audit::ExportMediaType(format));
        response.headers.Add("Content-Disposition",
                             format == audit::ExportFormat::csv
                                 ? "attachment; filename=\"sealpost-audit.csv\""
                                 : "attachment; filename=\"sealpost-audit.jsonl\"");
        if (page.next_cursor)
            response.headers.Add("Sealpost-Next-Cursor", std::to_string(*page.next_cursor));
        return response;
    });
}

void VerifyRoute(AdminContext& ctx, Exchange& ex) {
    if (!Authorize(ctx, ex, false))
        return;
    Answer(ex, [&store = ctx.audit.store()] {
        const auto result = store.Verify();
        return Response::Json(
            200,
            {{"ok", result.ok},
             {"events", result.events},
             {"first_seq", result.first_seq},
             {"head", result.head},
             {"first_bad_seq", result.first_bad_seq ? nlohmann::json(*result.first_bad_seq)
                                                    : nlohmann::json(nullptr)},
             {"problem", result.ok ? nlohmann::json(nullptr) : nlohmann::json(result.problem)}});
    });
}

void StatsRoute(AdminContext& ctx, Exchange& ex) {
    if (!Authorize(ctx, ex, true))
        return;
    Answer(ex, [&index = ctx.storage.index(), &store = ctx.audit.store(), &config = ctx.config] {
        return Response::Json(200, ComputeStats(index, &store, config));
    });
}

// --- QUICK connections ---------------------------------------------------------------

/// Administrators and auditors see who is connected with whom (never a key).
void QuickListRoute(AdminContext& ctx, Exchange& ex) {
    if (!Authorize(ctx, ex, false))
        return;
    const std::string email = ex.request().QueryParam("email").value_or("");
    Answer(ex, [&quick = ctx.storage.quick(), email] {
        Response r = Response::Json(200, {{"connections", QuickConnections(quick, email)}});
        r.headers.Add("Cache-Control", "no-store");
        return r;
    });
}

/// Deletes a connection (both directions, every browser, pending codes of both
/// addresses). An administrator can never create or restore one.
void QuickDeleteRoute(AdminContext& ctx, Exchange& ex) {
    const auto caller = Authorize(ctx, ex, true);
    if (!caller)
        return;
    const std::string email(ex.request().Param("email"));
    const std::string partner(ex.request().Param("partner"));
    auto event = EventFor(ctx, ex, "quick_connection_deleted");
    event.email = email;
    event.detail = {{"partner", partner}, {"by", "admin"}, {"admin", caller->user}};
    auto removed = std::make_shared<std::size_t>(0);
    uv::QueueWork(
        ex.loop(),
        [&quick = ctx.storage.quick(), email, partner, removed] {
            *removed = quick.DeletePair(email, partner);
        },
        [&ctx, ref = ex.Ref(), removed, event = std::move(event)](std::exception_ptr error) mutable {
            Exchange* live = ref.get();
            if (!error && *removed) {
                event.detail["keys"] = *removed;
                Record(ctx, live, std::move(event));
            }
            if (!live)
                return;
            if (error)
                live->Respond(Response::Problem(500, "the connection could not be deleted"));
            else if (!*removed)
                live->Respond(Response::Problem(404, "no such QUICK connection"));
            else
                live->Respond(Response::Empty(204));
        });
}

} // namespace

AdminContext::AdminContext(const Config& config_in, store::Storage& storage_in,
                           audit::AuditLog& audit_in, AdminUsers& users_in, AdminOptions options)
    : config(config_in), storage(storage_in), audit(audit_in), users(users_in),
      sessions(options.sessions), login_by_ip(options.login_per_ip),
      login_by_user(options.login_per_user), cookies(security::CookiePolicy::From(config_in)) {}

void AddAdminRoutes(http::Router& router, AdminContext& ctx) {
    const auto route = [&ctx](void (*handler)(AdminContext&, Exchange&)) {
        return [&ctx, handler](Exchange& ex) { handler(ctx, ex); };
    };
    router.Add("POST", "/api/v1/admin/session", route(Login));
    router.Add("DELETE", "/api/v1/admin/session", route(Logout));
    router.Add("GET", "/api/v1/admin/transfers", route(ListTransfersRoute));
    router.Add("POST", "/api/v1/admin/transfers/{id}/unlock", route(Unlock));
    router.Add("DELETE", "/api/v1/admin/transfers/{id}", route(Delete));
    router.Add("GET", "/api/v1/admin/audit", route(AuditRoute));
    router.Add("GET", "/api/v1/admin/audit/verify", route(VerifyRoute));
    router.Add("GET", "/api/v1/admin/stats", route(StatsRoute));
    router.Add("GET", "/api/v1/admin/quick", route(QuickListRoute));
    router.Add("DELETE", "/api/v1/admin/quick/{email}/{partner}", route(QuickDeleteRoute));
}

} // namespace sealpost::admin
