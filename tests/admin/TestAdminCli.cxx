// The admin and audit commands of the real sealpost binary on a data folder: users
// added with a password from standard input (and logging in with it over HTTP), TOTP
// enrolment, unlock and delete while the server runs, audit export and verification,
// and the documented exit codes.
#include "AdminTestSupport.hxx"

#include "admin/Totp.hxx"
#include "audit/AuditStore.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"

#include "support/AppFixture.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

struct Run {
    int code = -1;
    std::string out;
};

/// Runs `sealpost ARGS --data DIR` with `input` on standard input (not a terminal).
Run Sealpost(const std::filesystem::path& data, const std::string& args,
             const std::string& input = "") {
    Run run;
    run.out = Shell("printf '%s\\n' '" + input + "' | " + SEALPOST_BINARY + " " + args +
                        " --data '" + data.string() + "' 2>&1",
                    &run.code, false);
    return run;
}

int PortOf(const AppFixture& app) {
    const std::string url = app.Url();
    return std::stoi(url.substr(url.rfind(':') + 1));
}

} // namespace

TEST_CASE("admin users from the command line", "[admin][cli]") {
    TempDir dir;
    auto run = Sealpost(dir.path, "admin user add alice --role admin", "a long password 1");
    REQUIRE(run.code == 0);
    CHECK(run.out.find("added alice (admin)") != std::string::npos);
    CHECK(run.out.find("a long password") == std::string::npos);

    run = Sealpost(dir.path, "admin user add alice --role admin", "a long password 1");
    CHECK(run.code == 2);
    run = Sealpost(dir.path, "admin user add bob --role root", "a long password 1");
    CHECK(run.code == 2);
    run = Sealpost(dir.path, "admin user add bob --role auditor", "short");
    CHECK(run.code == 2);
    run = Sealpost(dir.path, "admin user add 'Bad Name' --role auditor", "a long password 1");
    CHECK(run.code == 2);

    run = Sealpost(dir.path, "admin user add carol --role auditor --totp", "another password 2");
    REQUIRE(run.code == 0);
    std::smatch match;
    REQUIRE(std::regex_search(run.out, match,
                              std::regex("otpauth://totp/sealpost:carol\\?secret=([A-Z2-7]{32})"
                                         "&issuer=sealpost&algorithm=SHA1&digits=6&period=30")));
    const std::string secret = match[1];

    run = Sealpost(dir.path, "admin user list");
    REQUIRE(run.code == 0);
    CHECK(run.out.find("alice\tadmin\tpassword\t") != std::string::npos);
    CHECK(run.out.find("carol\tauditor\tpassword+totp\t") != std::string::npos);
    CHECK(run.out.find("$argon2id") == std::string::npos);
    CHECK(Sealpost(dir.path, "admin user remove nobody").code == 3);

    // The users log in to the server with what the command line stored.
    {
        AppFixture app(dir.path);
        app.Start();
        Http alice{PortOf(app)};
        CHECK(alice.Login("alice", "a long password 1").status == 200);
        Http carol{PortOf(app)};
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        CHECK(carol.Login("carol", "another password 2", *admin::TotpCode(secret, now)).status ==
              200);
        // Removed while the server runs: the session ends at once.
        CHECK(Sealpost(dir.path, "admin user remove alice").code == 0);
        CHECK(alice.Request("GET", "/api/v1/admin/transfers").status == 401);
        CHECK(app.Stop() == 0);
    }
    run = Sealpost(dir.path, "admin user list");
    CHECK(run.out.find("alice") == std::string::npos);

    // Adding and removing administrators is audited, without the password or secret.
    run = Sealpost(dir.path, "admin audit --event admin_user_added");
    REQUIRE(run.code == 0);
    CHECK(run.out.find("\"username\":\"alice\"") != std::string::npos);
    CHECK(run.out.find("\"role\":\"auditor\",\"totp\":true,\"username\":\"carol\"") !=
          std::string::npos);
    CHECK(run.out.find("\"via\":\"cli\"") != std::string::npos);
    CHECK(run.out.find("password") == std::string::npos);
    CHECK(run.out.find(secret) == std::string::npos);
    run = Sealpost(dir.path, "admin audit --event admin_user_removed");
    CHECK(run.out.find("\"username\":\"alice\"") != std::string::npos);
    CHECK(Sealpost(dir.path, "audit verify").code == 0);
}

TEST_CASE("unlock, delete, audit and stats from the command line while the server runs",
          "[admin][cli]") {
    TempDir dir;
    AddAdmin(dir.path, "root", admin::Role::admin, "correct horse battery");
    AppFixture app(dir.path);
    app.Start();
    const auto transfer = app.CreateTransfer("Transfer password 1");
    app.Lock(transfer);
    REQUIRE(app.storage().index().GetTransfer(transfer.id)->locked_until > 0);

    CHECK(Sealpost(dir.path, "admin unlock " + transfer.id).code == 0);
    CHECK(app.storage().index().GetTransfer(transfer.id)->locked_until == 0);
    CHECK(Sealpost(dir.path, "admin unlock nope").code == 3);

    CHECK(Sealpost(dir.path, "admin delete " + transfer.id).code == 0);
    CHECK(app.storage().index().GetTransfer(transfer.id)->status == store::TransferStatus::deleted);
    CHECK(Sealpost(dir.path, "admin delete nope").code == 3);
    // Already gone: nothing is deleted now, so nothing is recorded (exit 3).
    const auto again = Sealpost(dir.path, "admin delete " + transfer.id);
    CHECK(again.code == 3);
    CHECK(again.out.find("already gone") != std::string::npos);

    // The server's own events and the command line's share one chain.
    Http http{PortOf(app)};
    REQUIRE(http.Login("root", "correct horse battery").status == 200);
    auto run = Sealpost(dir.path, "admin audit --transfer " + transfer.id);
    REQUIRE(run.code == 0);
    std::vector<nlohmann::json> lines;
    std::istringstream stream(run.out);
    for (std::string line; std::getline(stream, line);)
        lines.push_back(nlohmann::json::parse(line));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["event"] == "admin_deleted");
    CHECK(lines[1]["event"] == "transfer_unlocked");
    CHECK(lines[0]["detail"]["via"] == "cli");

    // The server writes its events asynchronously: wait for the login to arrive.
    for (int i = 0; i < 100; ++i) {
        run = Sealpost(dir.path, "admin audit --format csv --event admin_login");
        if (run.out.find(",admin_login,") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(run.code == 0);
    CHECK(run.out.starts_with("seq,time,event,"));
    CHECK(run.out.find(",admin_login,") != std::string::npos);
    CHECK(Sealpost(dir.path, "admin audit --event nonsense").code == 2);

    run = Sealpost(dir.path, "admin stats");
    REQUIRE(run.code == 0);
    const auto stats = nlohmann::json::parse(run.out);
    CHECK(stats["transfers"]["deleted"] == 1);

    run = Sealpost(dir.path, "audit verify");
    CHECK(run.code == 0);
    CHECK(run.out.starts_with("ok: "));
    CHECK(Sealpost(dir.path, "admin audit --verify").code == 0);
    CHECK(app.Stop() == 0);

    // Tampering is found by the command line too (exit code 4, the seq named).
    {
        audit::AuditStore store(dir.path / "audit");
        auto txn = lmdb::Txn::BeginWrite(store.env());
        const auto events = lmdb::Dbi::Open(txn, audit::kEventsDatabase);
        std::string text(*events.Get(txn, lmdb::EncodeU64(2)));
        text.replace(text.find("\"event\":\""), 9, "\"event\": \"");
        events.Put(txn, lmdb::EncodeU64(2), text);
        txn.Commit();
    }
    run = Sealpost(dir.path, "audit verify");
    CHECK(run.code == 4);
    CHECK(run.out.find("seq 2") != std::string::npos);

    CHECK(Sealpost(dir.path, "admin frobnicate").code == 2);
    CHECK(Sealpost(dir.path, "admin --help").code == 0);
}

TEST_CASE("audit records past audit.retention_days go when the server starts", "[admin][cli]") {
    TempDir dir;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto days_ago = [&](std::int64_t days) { return now - days * 86400; };
    {
        // Written before the App opens the environment (once per process).
        audit::AuditStore store(dir.path / "audit");
        const std::vector<audit::TimedEvent> events{
            {{"admin_login", "", "", "192.0.2.1", "", {{"username", "root"}}}, days_ago(400)},
            {{"transfer_created", "TGONE", "a@example.org", "192.0.2.1", "", {}}, days_ago(390)},
            {{"transfer_expired", "TGONE", "", "", "", {}}, days_ago(380)},
            {{"admin_login", "", "", "192.0.2.1", "", {{"username", "root"}}}, days_ago(10)},
        };
        store.Append(events);
    }
    AppFixture app(dir.path); // audit.retention_days = 365, the default
    app.Start();
    // Pruned on the threadpool right after the start.
    Run run;
    for (int i = 0; i < 100; ++i) {
        run = Sealpost(dir.path, "audit verify");
        if (run.out.find("before seq 4 removed") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(run.code == 0);
    CHECK(run.out.find("ok: 1 events") != std::string::npos);
    CHECK(run.out.find("records before seq 4 removed after retention") != std::string::npos);
    run = Sealpost(dir.path, "admin audit --transfer TGONE");
    CHECK(run.code == 0);
    CHECK(run.out.empty());
    CHECK(app.Stop() == 0);
}
