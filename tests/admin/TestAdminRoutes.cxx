// The administration API over real sockets against the whole App: login with and
// without TOTP, rate-limited failures (429 + Retry-After), roles (an auditor cannot
// unlock or delete), unlock clears a lock, delete crypto-shreds, the audit log records
// it all and verifies, CSV export and cursor paging, Origin checks, logout.
#include "AdminTestSupport.hxx"

#include "admin/Totp.hxx"
#include "config/IpNetwork.hxx"
#include "store/Index.hxx"

#include "support/AppFixture.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

std::int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int PortOf(const AppFixture& app) {
    const std::string url = app.Url();
    return std::stoi(url.substr(url.rfind(':') + 1));
}

nlohmann::json Json(const ClientResponse& response) {
    return nlohmann::json::parse(response.body);
}

/// Events of the audit log, newest first, as the admin API returns them. Appends are
/// written asynchronously, so this waits (up to 10 s) for at least `expect` events.
std::vector<nlohmann::json> AuditEvents(const Http& http, const std::string& filter = "",
                                        std::size_t expect = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        const auto response = http.Request("GET", "/api/v1/admin/audit?limit=1000" + filter);
        REQUIRE(response.status == 200);
        const auto events = Json(response)["events"];
        if (events.size() >= expect || std::chrono::steady_clock::now() > deadline)
            return {events.begin(), events.end()};
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

} // namespace

TEST_CASE("admin login, unlock, delete and the audit trail", "[admin]") {
    TempDir dir;
    AddAdmin(dir.path, "root", admin::Role::admin, "correct horse battery");
    AddAdmin(dir.path, "reader", admin::Role::auditor, "auditor password 1");
    AppFixture app(dir.path);
    app.Start();
    const int port = PortOf(app);
    Http anonymous{port};

    // Without a session nothing is readable.
    CHECK(anonymous.Request("GET", "/api/v1/admin/transfers").status == 401);
    CHECK(anonymous.Request("GET", "/api/v1/admin/audit").status == 401);
    Http forged{port, "not-a-session"};
    CHECK(forged.Request("GET", "/api/v1/admin/stats").status == 401);

    Http admin{port};
    CHECK(admin.Login("root", "wrong password").status == 401);
    const auto login = admin.Login("root", "correct horse battery");
    REQUIRE(login.status == 200);
    CHECK(Json(login)["role"] == "admin");
    const std::string set_cookie = login.headers.at("set-cookie");
    CHECK(set_cookie.find("sp_admin=") == 0);
    CHECK(set_cookie.find("HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(set_cookie.find("; Path=/;") != std::string::npos);
    CHECK(set_cookie.find("Secure") == std::string::npos); // plain HTTP here

    const auto locked = app.CreateTransfer("Transfer password 1");
    const auto other = app.CreateTransfer("Transfer password 2");
    app.Lock(locked);
    REQUIRE(app.storage().index().GetTransfer(locked.id)->locked_until > UnixNow());

    SECTION("transfers list and search, without file names") {
        auto list = admin.Request("GET", "/api/v1/admin/transfers");
        REQUIRE(list.status == 200);
        CHECK(Json(list)["transfers"].size() == 2);
        CHECK(list.body.find("sealed_name") == std::string::npos);
        list = admin.Request("GET", "/api/v1/admin/transfers?status=revoked");
        REQUIRE(list.status == 200);
        CHECK(Json(list)["transfers"].empty());
        const std::string sender = locked.sender;
        list = admin.Request(
            "GET", "/api/v1/admin/transfers?status=" + std::string(store::ToString(locked.status)) +
                       "&sender=" + sender.substr(0, sender.find('@')));
        REQUIRE(list.status == 200);
        CHECK(Json(list)["transfers"].size() == 2);
        list = admin.Request("GET", "/api/v1/admin/transfers?recipient=nobody-like-this");
        REQUIRE(list.status == 200);
        CHECK(Json(list)["transfers"].empty());
        CHECK(admin.Request("GET", "/api/v1/admin/transfers?status=bogus").status == 400);
        const auto stats = admin.Request("GET", "/api/v1/admin/stats");
        REQUIRE(stats.status == 200);
        CHECK(Json(stats)["transfers"]["total"] == 2);
        CHECK(Json(stats)["transfers"]["locked"] == 1);
        CHECK(Json(stats)["failures"]["password_attempts"] == 3);
        CHECK(Json(stats)["disk"]["free"].get<std::uint64_t>() > 0);
    }

    SECTION("unlock clears the lock and is audited") {
        const auto answer =
            admin.Request("POST", "/api/v1/admin/transfers/" + locked.id + "/unlock");
        REQUIRE(answer.status == 200);
        CHECK(Json(answer)["transfer"]["locked"] == false);
        const auto after = app.storage().index().GetTransfer(locked.id);
        REQUIRE(after);
        CHECK(after->locked_until == 0);
        CHECK(after->consecutive_failures == 0);
        CHECK(admin.Request("POST", "/api/v1/admin/transfers/nope/unlock").status == 404);

        const auto events = AuditEvents(admin, "&event=transfer_unlocked");
        REQUIRE(events.size() == 1);
        CHECK(events[0]["transfer_id"] == locked.id);
        CHECK(events[0]["detail"]["admin"] == "root");
        CHECK(events[0]["ip"] == "127.0.0.1");
    }

    SECTION("delete crypto-shreds and is audited") {
        CHECK(admin.Request("DELETE", "/api/v1/admin/transfers/" + other.id).status == 204);
        const auto after = app.storage().index().GetTransfer(other.id);
        REQUIRE(after);
        CHECK(after->status == store::TransferStatus::deleted);
        CHECK_FALSE(app.storage().wraps().Get(other.id, store::WrapKind::password));
        CHECK(admin.Request("DELETE", "/api/v1/admin/transfers/nope").status == 404);
        const auto events = AuditEvents(admin, "&transfer=" + other.id);
        REQUIRE(events.size() == 1);
        CHECK(events[0]["event"] == "admin_deleted");
    }

    SECTION("an auditor reads the log but changes nothing") {
        Http auditor{port};
        REQUIRE(auditor.Login("reader", "auditor password 1").status == 200);
        CHECK(auditor.Request("POST", "/api/v1/admin/transfers/" + locked.id + "/unlock").status ==
              403);
        CHECK(auditor.Request("DELETE", "/api/v1/admin/transfers/" + other.id).status == 403);
        CHECK(auditor.Request("GET", "/api/v1/admin/transfers").status == 403);
        CHECK(auditor.Request("GET", "/api/v1/admin/stats").status == 403);
        CHECK(app.storage().index().GetTransfer(locked.id)->locked_until > 0);
        CHECK(app.storage().index().GetTransfer(other.id)->status == store::TransferStatus::open);
        CHECK(auditor.Request("GET", "/api/v1/admin/audit").status == 200);
        const auto verify = auditor.Request("GET", "/api/v1/admin/audit/verify");
        REQUIRE(verify.status == 200);
        CHECK(Json(verify)["ok"] == true);
        CHECK(Json(verify)["head"].get<std::string>().size() == 64);
    }

    SECTION("cross-origin state changes are refused") {
        CHECK(admin
                  .Request("POST", "/api/v1/admin/transfers/" + locked.id + "/unlock", "",
                           {"Origin: http://evil.example"})
                  .status == 403);
        CHECK(admin
                  .Request("DELETE", "/api/v1/admin/transfers/" + other.id, "",
                           {"Origin: http://evil.example"})
                  .status == 403);
        // The admin API is for the admin page: a missing Origin is refused too.
        Http no_origin = admin;
        no_origin.origin = false;
        CHECK(
            no_origin.Request("POST", "/api/v1/admin/transfers/" + locked.id + "/unlock").status ==
            403);
        CHECK(no_origin.Request("DELETE", "/api/v1/admin/transfers/" + other.id).status == 403);
        CHECK(no_origin.Request("DELETE", "/api/v1/admin/session").status == 403);
        Http anonymous_no_origin{port, "", false};
        CHECK(anonymous_no_origin
                  .Request("POST", "/api/v1/admin/session",
                           R"({"username":"root","password":"correct horse battery"})")
                  .status == 403);
        CHECK(app.storage().index().GetTransfer(locked.id)->locked_until > 0);
        CHECK(app.storage().index().GetTransfer(other.id).has_value());
        // The service's own origin is fine.
        CHECK(admin
                  .Request("POST", "/api/v1/admin/transfers/" + locked.id + "/unlock", "",
                           {"Origin: http://127.0.0.1:" + std::to_string(port)})
                  .status == 200);
    }

    SECTION("audit: logins recorded, CSV export, cursor paging, verification") {
        auto events = AuditEvents(admin, "", 2);
        REQUIRE(events.size() >= 2);
        CHECK(events[0]["event"] == "admin_login");
        CHECK(events[0]["detail"]["admin"] == "root");
        CHECK(events[1]["event"] == "admin_login_failed");
        // No password anywhere in the log.
        for (const auto& e : events)
            CHECK(e.dump().find("correct horse") == std::string::npos);

        const auto csv = admin.Request("GET", "/api/v1/admin/audit?format=csv");
        REQUIRE(csv.status == 200);
        CHECK(csv.headers.at("content-type").starts_with("text/csv"));
        CHECK(csv.body.starts_with("seq,time,event,transfer_id,email,ip,user_agent,detail,"
                                   "prev_hash,hash\r\n"));
        CHECK(csv.body.find(",admin_login,") != std::string::npos);

        auto page = admin.Request("GET", "/api/v1/admin/audit?limit=1");
        REQUIRE(page.status == 200);
        const auto first = Json(page);
        REQUIRE(first["events"].size() == 1);
        REQUIRE(first["next_cursor"].is_number());
        page = admin.Request("GET", "/api/v1/admin/audit?limit=1&cursor=" +
                                        std::to_string(first["next_cursor"].get<int>()));
        REQUIRE(page.status == 200);
        CHECK(Json(page)["events"][0]["seq"].get<int>() < first["events"][0]["seq"].get<int>());
        CHECK(admin.Request("GET", "/api/v1/admin/audit?since=yesterday").status == 400);
        CHECK(admin.Request("GET", "/api/v1/admin/audit?event=made_up").status == 400);
        CHECK(admin.Request("GET", "/api/v1/admin/audit?format=xml").status == 400);

        const auto verify = admin.Request("GET", "/api/v1/admin/audit/verify");
        REQUIRE(verify.status == 200);
        CHECK(Json(verify)["ok"] == true);
        CHECK(Json(verify)["events"].get<int>() >= 2);
    }

    SECTION("logout ends the session") {
        const auto out = admin.Request("DELETE", "/api/v1/admin/session");
        CHECK(out.status == 204);
        CHECK(out.headers.at("set-cookie").find("Max-Age=0") != std::string::npos);
        CHECK(admin.Request("GET", "/api/v1/admin/transfers").status == 401);
    }

    CHECK(app.Stop() == 0);
}

TEST_CASE("admin login with TOTP", "[admin]") {
    TempDir dir;
    const std::string secret =
        AddAdmin(dir.path, "otp-user", admin::Role::admin, "password with otp", true);
    AppFixture app(dir.path);
    app.Start();
    Http http{PortOf(app)};

    CHECK(http.Login("otp-user", "password with otp").status == 401);
    CHECK(http.Login("otp-user", "password with otp", "000000").status == 401);
    const std::string code = *admin::TotpCode(secret, UnixNow());
    CHECK(http.Login("otp-user", "wrong password", code).status == 401);
    const auto ok = http.Login("otp-user", "password with otp", code);
    REQUIRE(ok.status == 200);
    CHECK(http.Request("GET", "/api/v1/admin/stats").status == 200);
    // A code works once.
    Http again{http.port};
    const std::int64_t now = UnixNow();
    if (*admin::TotpCode(secret, now) == code) // still the same step
        CHECK(again.Login("otp-user", "password with otp", code).status == 401);
    const auto events = AuditEvents(http, "&event=admin_login");
    REQUIRE(events.size() == 1);
    CHECK(events[0]["detail"]["totp"] == true);
    CHECK(app.Stop() == 0);
}

TEST_CASE("a TOTP code works once, also after a restart and under a parallel burst", "[admin]") {
    TempDir dir;
    const std::string secret =
        AddAdmin(dir.path, "otp-user", admin::Role::admin, "password with otp", true);
    // The code of the next step: accepted now and for the next 60 s at least, so
    // only the replay guard can refuse it below.
    const std::int64_t step = UnixNow() / admin::kTotpStepSeconds;
    const std::string code = *admin::TotpCode(secret, (step + 1) * admin::kTotpStepSeconds);
    {
        AppFixture app(dir.path);
        app.Start();
        Http http{PortOf(app)};
        REQUIRE(http.Login("otp-user", "password with otp", code).status == 200);
        CHECK(Http{http.port}.Login("otp-user", "password with otp", code).status == 401);
        CHECK(app.Stop() == 0);
    }
    // The accepted step is stored with the user.
    CHECK(admin::AdminUsers(dir.path / "admin").Get("otp-user")->last_totp_step == step + 1);
    {
        AppFixture app(dir.path);
        app.Start();
        Http http{PortOf(app)};
        CHECK(http.Login("otp-user", "password with otp", code).status == 401);
        CHECK(app.Stop() == 0);
    }
    // A burst of logins with one fresh code from many client addresses: exactly one
    // session is made (the invariant), every other answer is 401 or 429.
    const std::string other_secret =
        AddAdmin(dir.path, "otp-other", admin::Role::admin, "password with otp", true);
    const std::string next = *admin::TotpCode(other_secret, UnixNow());
    AppFixture app(dir.path);
    app.config.security.trusted_proxies = {ParseIpNetwork("127.0.0.1")};
    app.Start();
    const int port = PortOf(app);
    constexpr int kBurst = 12;
    std::vector<int> statuses(kBurst);
    std::vector<std::thread> threads;
    for (int i = 0; i < kBurst; ++i)
        threads.emplace_back([&, i] {
            const nlohmann::json body = {
                {"username", "otp-other"}, {"password", "password with otp"}, {"totp", next}};
            statuses[i] = Http{port}
                              .Request("POST", "/api/v1/admin/session", body.dump(),
                                       {"X-Forwarded-For: 198.51.100." + std::to_string(i + 1)})
                              .status;
        });
    for (auto& t : threads)
        t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    for (const int status : statuses)
        CHECK((status == 200 || status == 401 || status == 429));
    CHECK(app.Stop() == 0);
}

TEST_CASE("failed admin logins are rate-limited with 429 and Retry-After", "[admin]") {
    TempDir dir;
    AddAdmin(dir.path, "root", admin::Role::admin, "correct horse battery");
    AppFixture app(dir.path);
    app.Start();
    Http http{PortOf(app)};
    std::vector<int> statuses;
    ClientResponse last;
    for (int i = 0; i < 6; ++i) {
        last = http.Login("root", "guess " + std::to_string(i));
        statuses.push_back(last.status);
    }
    CHECK(statuses == std::vector<int>{401, 401, 401, 401, 401, 429});
    CHECK(std::stoi(last.headers.at("retry-after")) > 0);
    CHECK(last.headers.at("content-type").starts_with("application/problem+json"));
    // Even the right password waits now.
    CHECK(http.Login("root", "correct horse battery").status == 429);
    // Another name from the same address still gets its own attempts.
    CHECK(http.Login("no-such-user", "x").status == 401);
    CHECK(app.Stop() == 0);
}
