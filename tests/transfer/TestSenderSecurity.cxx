// The browser-facing security rules of the sender API against the whole App over
// real sockets: cookie names and flags (Secure and __Host- when the service is
// reached over HTTPS), rotation of the client cookie at every completed
// verification, and the Origin rule for state-changing requests, also under a burst
// of parallel requests from many client addresses.
#include "ApiClient.hxx"

#include "config/IpNetwork.hxx"
#include "store/Index.hxx"

#include "support/AppFixture.hxx"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

int PortOf(const AppFixture& app) {
    const std::string url = app.Url();
    return std::stoi(url.substr(url.rfind(':') + 1));
}

std::string Own(int port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

std::vector<std::string> SenderEmails(const ApiClient& browser) {
    const auto response = browser.Request("GET", "/api/v1/senders");
    REQUIRE(response.status == 200);
    std::vector<std::string> out;
    const auto body = nlohmann::json::parse(response.body);
    for (const auto& s : body["senders"])
        out.push_back(s["email"]);
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t CountTransfers(AppFixture& app) {
    std::size_t n = 0;
    app.storage().index().ForEachTransfer([&](const store::TransferRecord&) { ++n; });
    return n;
}

nlohmann::json NewTransfer(const std::string& sender) {
    return {{"sender", sender}, {"recipients", {"bo@example.com"}}, {"password_mode", "generated"}};
}

} // namespace

TEST_CASE("over HTTPS the client cookie is __Host-sp_client, Secure; over HTTP sp_client",
          "[transfer][security]") {
    TempDir dir;
    AppFixture app(dir.path);
    // TLS ends in a proxy in front: the public URL says https.
    app.config.server.public_url = "https://files.example.org";
    app.Start();
    const int port = PortOf(app);
    SpoolReader spool(dir.path / "mail");
    ApiClient browser{port, "https://files.example.org"};
    const auto verified = Verify(browser, spool, "anna@regionuppsala.se");
    REQUIRE(verified.status == 200);
    const std::string set = verified.headers.at("set-cookie");
    CHECK(set.starts_with("__Host-sp_client="));
    CHECK(set.find("; Path=/;") != std::string::npos);
    CHECK(set.find("; Secure") != std::string::npos);
    CHECK(set.find("HttpOnly") != std::string::npos);
    CHECK(set.find("SameSite=Strict") != std::string::npos);
    CHECK(set.find("Domain") == std::string::npos);
    const std::string value = SetCookieValueOf(verified, "__Host-sp_client");
    REQUIRE(value.size() == 64);

    browser.cookie = "__Host-sp_client=" + value;
    CHECK(SenderEmails(browser) == std::vector<std::string>{"anna@regionuppsala.se"});
    // Only the name in force is read: the unprefixed name (which a plain-HTTP
    // man in the middle or a sibling domain could set) holds nothing.
    ApiClient unprefixed = browser;
    unprefixed.cookie = "sp_client=" + value;
    CHECK(SenderEmails(unprefixed).empty());
    CHECK(unprefixed.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se")).status == 401);
    CHECK(browser.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se")).status == 201);
    CHECK(app.Stop() == 0);

    // Plain HTTP (the embedded default): no prefix, no Secure.
    TempDir plain_dir;
    AppFixture plain(plain_dir.path);
    plain.Start();
    SpoolReader plain_spool(plain_dir.path / "mail");
    ApiClient plain_browser{PortOf(plain), Own(PortOf(plain))};
    const auto plain_verified = Verify(plain_browser, plain_spool, "anna@regionuppsala.se");
    REQUIRE(plain_verified.status == 200);
    CHECK(plain_verified.headers.at("set-cookie").starts_with("sp_client="));
    CHECK(plain_verified.headers.at("set-cookie").find("Secure") == std::string::npos);
    CHECK(plain.Stop() == 0);
}

TEST_CASE("a completed verification rotates the client cookie; a planted one ends up empty",
          "[transfer][security]") {
    TempDir dir;
    AppFixture app(dir.path);
    app.Start();
    const int port = PortOf(app);
    SpoolReader spool(dir.path / "mail");

    // The attacker verifies their own address and keeps a copy of the cookie…
    ApiClient attacker{port, Own(port)};
    const auto own = Verify(attacker, spool, "eve@regionuppsala.se");
    REQUIRE(own.status == 200);
    const std::string planted = "sp_client=" + SetCookieValueOf(own, "sp_client");
    // …and plants it in the victim's browser, who then verifies there.
    ApiClient victim{port, Own(port), planted};
    const auto verified = Verify(victim, spool, "anna@regionuppsala.se");
    REQUIRE(verified.status == 200);
    const std::string fresh = SetCookieValueOf(verified, "sp_client");
    REQUIRE(fresh.size() == 64);
    CHECK("sp_client=" + fresh != planted);
    victim.cookie = "sp_client=" + fresh;
    // The victim's browser holds what its cookie held before, plus its own address.
    CHECK(SenderEmails(victim) ==
          std::vector<std::string>{"anna@regionuppsala.se", "eve@regionuppsala.se"});

    // The attacker's copy no longer works and holds no identity at all.
    attacker.cookie = planted;
    CHECK(SenderEmails(attacker).empty());
    CHECK(attacker.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se")).status == 401);
    CHECK(attacker.Post("/api/v1/transfers", NewTransfer("eve@regionuppsala.se")).status == 401);
    CHECK(victim.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se")).status == 201);

    // A verification from a browser without a cookie makes a fresh one, too.
    ApiClient newcomer{port, Own(port)};
    const auto first = Verify(newcomer, spool, "carl@akademiska.se");
    REQUIRE(first.status == 200);
    CHECK(SetCookieValueOf(first, "sp_client").size() == 64);
    CHECK(app.Stop() == 0);
}

TEST_CASE("cookie and verification requests need this service's Origin; token clients do not",
          "[transfer][security]") {
    TempDir dir;
    AppFixture app(dir.path);
    app.Start();
    const int port = PortOf(app);
    SpoolReader spool(dir.path / "mail");
    ApiClient browser{port, Own(port)};
    const auto verified = Verify(browser, spool, "anna@regionuppsala.se");
    REQUIRE(verified.status == 200);
    browser.cookie = "sp_client=" + SetCookieValueOf(verified, "sp_client");

    ApiClient no_origin = browser;
    no_origin.origin.clear();
    ApiClient foreign = browser;
    foreign.origin = "http://evil.example";
    const auto body = NewTransfer("anna@regionuppsala.se");
    CHECK(no_origin.Post("/api/v1/transfers", body).status == 403);
    CHECK(foreign.Post("/api/v1/transfers", body).status == 403);
    CHECK(no_origin.Post("/api/v1/verifications", {{"email", "bo@regionuppsala.se"}}).status ==
          403);
    CHECK(foreign.Post("/api/v1/verifications", {{"email", "bo@regionuppsala.se"}}).status == 403);
    CHECK(no_origin.Request("DELETE", "/api/v1/senders/anna@regionuppsala.se").status == 403);
    CHECK(SenderEmails(browser) == std::vector<std::string>{"anna@regionuppsala.se"});
    // Reading needs no Origin.
    CHECK(SenderEmails(no_origin) == std::vector<std::string>{"anna@regionuppsala.se"});

    // A script with a bearer token sends no Origin and is served; a foreign one is not.
    ApiClient script{port};
    const std::vector<std::string> token = {"Authorization: Bearer " + app.sender_token};
    CHECK(script.Request("POST", "/api/v1/transfers", NewTransfer(kSender).dump(), token).status ==
          201);
    ApiClient foreign_script{port, "http://evil.example"};
    CHECK(foreign_script.Request("POST", "/api/v1/transfers", NewTransfer(kSender).dump(), token)
              .status == 403);
    const auto mine = browser.Post("/api/v1/transfers", body);
    REQUIRE(mine.status == 201);
    const std::string id = nlohmann::json::parse(mine.body)["id"];

    // Problem details: `status` is the HTTP status, the transfer's state is `state`.
    CHECK(browser.Request("DELETE", "/api/v1/transfers/" + id).status == 204);
    const auto again = browser.Request("DELETE", "/api/v1/transfers/" + id);
    REQUIRE(again.status == 410);
    CHECK(nlohmann::json::parse(again.body)["status"] == 410);
    CHECK(nlohmann::json::parse(again.body)["state"] == "revoked");
    const auto submit =
        browser.Post("/api/v1/transfers/" + id + "/submit", nlohmann::json::object());
    REQUIRE(submit.status == 409);
    CHECK(nlohmann::json::parse(submit.body)["status"] == 409);
    CHECK(nlohmann::json::parse(submit.body)["state"] == "revoked");
    CHECK(app.Stop() == 0);
}

TEST_CASE("a burst of cross-origin requests from many addresses changes nothing",
          "[transfer][security]") {
    TempDir dir;
    AppFixture app(dir.path);
    app.config.security.trusted_proxies = {ParseIpNetwork("127.0.0.1")};
    app.Start();
    const int port = PortOf(app);
    SpoolReader spool(dir.path / "mail");
    ApiClient browser{port, Own(port)};
    const auto verified = Verify(browser, spool, "anna@regionuppsala.se");
    REQUIRE(verified.status == 200);
    browser.cookie = "sp_client=" + SetCookieValueOf(verified, "sp_client");
    const auto created = browser.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se"));
    REQUIRE(created.status == 201);
    const std::string transfer_id = nlohmann::json::parse(created.body)["id"];
    // A pending verification whose right code the attacker somehow holds.
    const auto pending = browser.Post("/api/v1/verifications", {{"email", "bo@regionuppsala.se"}});
    REQUIRE(pending.status == 202);
    const std::string verification = nlohmann::json::parse(pending.body)["verification_id"];
    const std::string code = spool.NextCode();
    const std::size_t transfers_before = CountTransfers(app);

    // The invariant: every state-changing request with the victim's cookie and a
    // foreign or missing Origin is refused (403), whatever address it comes from,
    // and afterwards the transfers, the browser's identities and the pending
    // verification are exactly as before.
    constexpr int kThreads = 8, kPerThread = 6;
    std::atomic<int> refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                ApiClient evil = browser;
                evil.origin = (i % 2) ? "http://evil.example" : "";
                evil.forwarded_for = "203.0.113." + std::to_string(t * kPerThread + i + 1);
                ClientResponse r;
                switch (i % 6) {
                case 0:
                    r = evil.Post("/api/v1/transfers", NewTransfer("anna@regionuppsala.se"));
                    break;
                case 1:
                    r = evil.Request("DELETE", "/api/v1/transfers/" + transfer_id);
                    break;
                case 2:
                    r = evil.Post("/api/v1/verifications/" + verification, {{"code", code}});
                    break;
                case 3:
                    r = evil.Request("DELETE", "/api/v1/senders/anna@regionuppsala.se");
                    break;
                case 4:
                    r = evil.Request("PATCH", "/api/v1/senders/anna@regionuppsala.se",
                                     R"({"name":"Mallory"})");
                    break;
                case 5:
                    r = evil.Post("/api/v1/transfers/" + transfer_id + "/submit",
                                  nlohmann::json::object());
                    break;
                }
                (r.status == 403 ? refused : other)++;
            }
        });
    for (auto& thread : threads)
        thread.join();
    CHECK(refused == kThreads * kPerThread);
    CHECK(other == 0);
    CHECK(CountTransfers(app) == transfers_before);
    const auto status = browser.Request("GET", "/api/v1/transfers/" + transfer_id);
    REQUIRE(status.status == 200);
    CHECK(nlohmann::json::parse(status.body)["status"] == "open");
    const auto senders = browser.Request("GET", "/api/v1/senders");
    const auto list = nlohmann::json::parse(senders.body)["senders"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["email"] == "anna@regionuppsala.se");
    CHECK(list[0]["name"] == "");
    // The code was not used up: the rightful browser still confirms it.
    CHECK(browser.Post("/api/v1/verifications/" + verification, {{"code", code}}).status == 200);
    CHECK(app.Stop() == 0);
}

TEST_CASE("unknown API tokens are limited per client address under a parallel burst",
          "[transfer][security]") {
    TempDir dir;
    AppFixture app(dir.path);
    app.config.security.trusted_proxies = {ParseIpNetwork("127.0.0.1")};
    app.Start();
    const int port = PortOf(app);
    // The invariant: whatever the interleaving, each client address gets at most
    // 10 answers about its guesses (401) within the window; everything else is 429,
    // and one address running out does not touch another's allowance.
    constexpr int kAddresses = 6, kThreadsPerAddress = 2, kPerThread = 8;
    std::mutex mutex;
    std::map<std::string, std::map<int, int>> seen; // address → status → count
    std::vector<std::thread> threads;
    for (int a = 0; a < kAddresses; ++a)
        for (int t = 0; t < kThreadsPerAddress; ++t)
            threads.emplace_back([&, a] {
                ApiClient script{port};
                script.forwarded_for = "198.51.100." + std::to_string(a + 1);
                for (int i = 0; i < kPerThread; ++i) {
                    const auto r = script.Request(
                        "POST", "/api/v1/transfers", NewTransfer(kSender).dump(),
                        {"Authorization: Bearer spt_guess" + std::to_string(a * 100 + i)});
                    std::lock_guard lock(mutex);
                    ++seen[script.forwarded_for][r.status];
                }
            });
    for (auto& thread : threads)
        thread.join();
    REQUIRE(seen.size() == kAddresses);
    for (const auto& [address, statuses] : seen) {
        INFO(address);
        CHECK(statuses.at(401) == 10);
        CHECK(statuses.at(429) == kThreadsPerAddress * kPerThread - 10);
        CHECK(statuses.size() == 2);
    }
    // A forged X-Forwarded-For from an untrusted peer counts against the peer.
    TempDir other_dir;
    AppFixture untrusting(other_dir.path);
    untrusting.Start();
    int unknown = 0;
    for (int i = 0; i < 12; ++i) {
        ApiClient script{PortOf(untrusting)};
        script.forwarded_for = "192.0.2." + std::to_string(i + 1);
        unknown += script
                       .Request("POST", "/api/v1/transfers", NewTransfer(kSender).dump(),
                                {"Authorization: Bearer spt_nope"})
                       .status == 401;
    }
    CHECK(unknown == 10);
    CHECK(untrusting.Stop() == 0);
    // A valid token is never slowed down by others' guesses.
    ApiClient script{port};
    script.forwarded_for = "198.51.100.1";
    CHECK(script
              .Request("POST", "/api/v1/transfers", NewTransfer(kSender).dump(),
                       {"Authorization: Bearer " + app.sender_token})
              .status == 201);
    CHECK(app.Stop() == 0);
}
