// The two promises the store keeps, checked the way an attacker would look:
//  - a stolen data folder (index, blobs, wraps, server key) holds no wrap that
//    was destroyed, no digest of a file's content and no name or message;
//  - password attempts are counted exactly whatever the concurrency: never
//    more than security.lock_after evaluated before the lock, none while
//    locked, and exactly security.delete_after failures delete.
// Bursts come from many client addresses (X-Forwarded-For from a trusted
// proxy), like an attack spread over a botnet.
#include "StorageFixture.hxx"
#include "support/AppFixture.hxx"
#include "config/IpNetwork.hxx"
#include "lib/uv/Loop.hxx"
#include "store/WrapFiles.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

const std::string kPassword = "Correct-Horse-Battery-92";

std::string Curl(const std::string& args) {
    return Shell("curl -sS " + SenderAuth() + args);
}

std::string PutFile(const AppFixture& app, const store::TransferRecord& t,
                    const std::filesystem::path& file, const std::string& name) {
    return Curl("-T '" + file.string() + "' -H 'Expect:' '" + app.Url() + "/api/v1/transfers/" +
                t.id + "/files/" + name + "'");
}

std::string Bytes(const std::vector<std::uint8_t>& v) {
    return {v.begin(), v.end()};
}

/// Every file under `dir` (LMDB files included), as bytes.
std::vector<std::pair<std::filesystem::path, std::string>> Folder(const std::filesystem::path& dir) {
    std::vector<std::pair<std::filesystem::path, std::string>> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        files.emplace_back(entry.path(), std::string(std::istreambuf_iterator<char>(in), {}));
    }
    return files;
}

/// Where in the data folder `needle` occurs (empty: nowhere).
std::string FindIn(const std::filesystem::path& dir, const std::string& needle) {
    for (const auto& [path, bytes] : Folder(dir))
        if (bytes.find(needle) != std::string::npos)
            return path.string();
    return {};
}

std::string HexToBytes(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

/// Sends `count` password attempts at once, each from its own client
/// address; returns how many got each HTTP status.
std::map<std::string, int> Burst(const AppFixture& app, const store::TransferRecord& t,
                                 int count, int first_address,
                                 const std::string& right_password_at = {}) {
    const std::string url = app.Url() + "/api/v1/downloads/" + t.recipients.at(0).download_id +
                            "/checksums";
    std::string script;
    for (int i = 0; i < count; ++i) {
        const std::string password =
            std::to_string(i) == right_password_at ? kPassword : "wrong-guess-" + std::to_string(i);
        script += "curl -sS -o /dev/null -w '%{http_code}\\n' -H 'X-Forwarded-For: 198.51.100." +
                  std::to_string((first_address + i) % 250 + 1) + "' -H 'X-Sealpost-Password: " +
                  password + "' '" + url + "' &\n";
    }
    script += "wait\n";
    std::map<std::string, int> statuses;
    const std::string out = Shell(script);
    std::size_t start = 0;
    while (start < out.size()) {
        const auto end = out.find('\n', start);
        statuses[out.substr(start, end - start)]++;
        start = end == std::string::npos ? out.size() : end + 1;
    }
    return statuses;
}

void TrustLoopbackProxy(AppFixture& app) {
    app.config.security.trusted_proxies = {ParseIpNetwork("127.0.0.1")};
}

} // namespace

TEST_CASE("destroyed wraps leave no byte in the data folder: submit, revoke, expiry, "
          "too many wrong passwords") {
    TempDir dir;
    const auto data = dir.path / "data";
    AppFixture app(data);
    app.config.security.delete_after = 4;
    app.config.security.lock_after = 10;
    app.Start();
    const auto f = dir.path / "x";
    MakeFile(f, 200000, 7);
    const store::WrapFiles& wraps = app.storage().wraps();
    auto wrap_of = [&](const store::TransferRecord& t, store::WrapKind kind) {
        const auto w = wraps.Get(t.id, kind);
        REQUIRE(w);
        return Bytes(*w);
    };

    // Submit destroys W_up (and only W_up).
    auto submitted = app.CreateTransfer(kPassword);
    PutFile(app, submitted, f, "a");
    const std::string submitted_up = wrap_of(submitted, store::WrapKind::upload);
    REQUIRE(FindIn(data, submitted_up) != "");
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(submitted.id); });
    CHECK(FindIn(data, submitted_up) == "");
    CHECK(wraps.Get(submitted.id, store::WrapKind::password));

    // Revoke (over the API) destroys W_up and W_pw.
    auto revoked = app.CreateTransfer(kPassword);
    PutFile(app, revoked, f, "b");
    const std::string revoked_up = wrap_of(revoked, store::WrapKind::upload);
    const std::string revoked_pw = wrap_of(revoked, store::WrapKind::password);
    CHECK(Shell("curl -sS -o /dev/null -w '%{http_code}' -X DELETE " + SenderAuth() + "'" +
                app.Url() + "/api/v1/transfers/" + revoked.id + "'") == "204");

    // Ten... here four wrong passwords destroy W_pw and any access grant.
    auto attacked = app.CreateTransfer(kPassword);
    PutFile(app, attacked, f, "c");
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(attacked.id); });
    const std::string attacked_pw = wrap_of(attacked, store::WrapKind::password);
    const std::string unlock = Shell(
        "curl -sS -i -X POST -H 'Content-Type: application/json' -H 'Origin: " + app.Url() +
        "' --data '{\"password\":\"" + kPassword + "\"}' '" + app.Url() + "/api/v1/downloads/" +
        attacked.recipients.at(0).download_id + "/unlock'");
    REQUIRE(unlock.find("HTTP/1.1 200") == 0);
    std::vector<std::string> grant_wraps;
    for (const auto& [id, kind] : wraps.List())
        if (kind == store::WrapKind::access)
            grant_wraps.push_back(Bytes(*wraps.Get(id, kind)));
    REQUIRE(grant_wraps.size() == 1);
    for (int i = 0; i < 4; ++i)
        app.Attempt(attacked, "wrong " + std::to_string(i));
    CHECK(app.storage().index().GetTransfer(attacked.id)->status ==
          store::TransferStatus::deleted);

    // Expiry destroys W_pw (and the never-submitted transfer's W_up).
    auto expiring = app.CreateTransfer(kPassword, 1);
    PutFile(app, expiring, f, "d");
    const std::string expiring_up = wrap_of(expiring, store::WrapKind::upload);
    const std::string expiring_pw = wrap_of(expiring, store::WrapKind::password);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    app.RunOnLoop([&] { app.storage().ArmExpiry(); });
    for (int i = 0; i < 50 && app.storage().index().GetTransfer(expiring.id)->status ==
                                  store::TransferStatus::open;
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(app.storage().index().GetTransfer(expiring.id)->status ==
          store::TransferStatus::expired);
    CHECK(app.Stop() == 0);

    // The whole folder, LMDB files with their freed pages included.
    for (const auto& [what, bytes] :
         std::vector<std::pair<std::string, std::string>>{{"W_up after submit", submitted_up},
                                                          {"W_up after revoke", revoked_up},
                                                          {"W_pw after revoke", revoked_pw},
                                                          {"W_pw after the deletion", attacked_pw},
                                                          {"grant after the deletion",
                                                           grant_wraps.at(0)},
                                                          {"W_up after expiry", expiring_up},
                                                          {"W_pw after expiry", expiring_pw}}) {
        INFO(what);
        CHECK(FindIn(data, bytes) == "");
    }
    // The submitted transfer is still openable with its password, and only so.
    CHECK(store::WrapFiles(data / "keys" / "wraps").Get(submitted.id, store::WrapKind::password));
}

TEST_CASE("a stolen data folder holds no digest of a file or the message") {
    TempDir dir;
    const auto data = dir.path / "data";
    AppFixture app(data);
    app.Start();
    auto t = app.CreateTransfer(kPassword, 3600, std::string("short secret"));
    const auto f = dir.path / "report";
    MakeFile(f, 100000, 3);
    const auto reply = nlohmann::json::parse(PutFile(app, t, f, "report.pdf"));
    const std::string sha = Sha256Hex(f);
    CHECK(reply.at("sha256") == sha); // told to the uploader once
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(t.id); });
    // The recipient still gets the right digest (sealed, opened with the key).
    const std::string checksums =
        Shell("curl -sS -H 'X-Sealpost-Password: " + kPassword + "' '" + app.Url() +
              "/api/v1/downloads/" + t.recipients.at(0).download_id + "/checksums'");
    CHECK(checksums == sha + "  report.pdf\n");
    const std::string message_sha = Shell("printf 'short secret' | sha256sum").substr(0, 64);
    CHECK(app.Stop() == 0);
    for (const auto& needle : {sha, HexToBytes(sha), message_sha, HexToBytes(message_sha),
                               std::string("short secret"), std::string("report.pdf")}) {
        INFO(needle);
        CHECK(FindIn(data, needle) == "");
    }
}

TEST_CASE("25 parallel wrong passwords from 25 addresses: exactly 3 counted before the lock") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    TrustLoopbackProxy(app);
    app.Start();
    auto t = app.CreateTransfer(kPassword);
    const auto f = dir.path / "x";
    MakeFile(f, 1000, 1);
    PutFile(app, t, f, "x");
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(t.id); });

    // Invariant: while the attempts in flight could reach the lock, no more
    // are evaluated; the lock then refuses everything, the right password too.
    const auto statuses = Burst(app, t, 25, 0);
    INFO(nlohmann::json(statuses).dump());
    CHECK(statuses.count("401") == 1);
    CHECK(statuses.at("401") == 2);  // two counted failures …
    CHECK(statuses.at("423") == 23); // … the third sets the lock, 22 never evaluated
    auto record = app.storage().index().GetTransfer(t.id);
    CHECK(record->failed_attempts == 3);
    CHECK(record->pending_attempts == 0);
    CHECK(record->locked_until > 0);
    const auto after = Burst(app, t, 5, 30, "2");
    CHECK(after.at("423") == 5);
    CHECK(app.storage().index().GetTransfer(t.id)->failed_attempts == 3);
    CHECK(app.Stop() == 0);
}

TEST_CASE("a right password inside a burst opens only if it was among the evaluated attempts") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    TrustLoopbackProxy(app);
    app.Start();
    for (int round = 0; round < 3; ++round) {
        auto t = app.CreateTransfer(kPassword);
        const auto f = dir.path / "x";
        MakeFile(f, 1000, 1);
        PutFile(app, t, f, "x");
        app.RunOnLoop([&] { app.storage().SubmitTransferNow(t.id); });
        const auto statuses = Burst(app, t, 20, round * 20, std::to_string(7 + round));
        INFO(nlohmann::json(statuses).dump());
        const int ok = statuses.count("200") ? statuses.at("200") : 0;
        const int wrong = statuses.count("401") ? statuses.at("401") : 0;
        const auto record = app.storage().index().GetTransfer(t.id);
        // Every counted failure was answered (401, or 423 by the one that set
        // the lock); without the right password among the evaluated ones no
        // more than lock_after are counted (a success resets the consecutive
        // count, so after it up to lock_after more may be).
        const bool locked = record->locked_until > 0;
        CHECK(ok <= 1);
        CHECK(record->failed_attempts == static_cast<std::uint32_t>(wrong + (locked ? 1 : 0)));
        if (ok == 0)
            CHECK(record->failed_attempts == 3);
        else
            CHECK(record->failed_attempts <= 6);
        CHECK(record->pending_attempts == 0);
    }
    CHECK(app.Stop() == 0);
}

TEST_CASE("exactly delete_after failures delete the transfer, whatever the concurrency") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    TrustLoopbackProxy(app);
    app.Start();
    auto t = app.CreateTransfer(kPassword);
    const auto f = dir.path / "x";
    MakeFile(f, 1000, 1);
    const auto reply = nlohmann::json::parse(PutFile(app, t, f, "x"));
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(t.id); });
    // Three bursts, each locking after 3; an administrator unlocks in between.
    for (int burst = 0; burst < 3; ++burst) {
        Burst(app, t, 12, burst * 12);
        REQUIRE(app.storage().index().GetTransfer(t.id)->failed_attempts ==
                static_cast<std::uint32_t>(3 * (burst + 1)));
        app.RunOnLoop([&] { app.storage().ClearLockNow(t.id); });
    }
    // Nine counted: one more may be evaluated, and it deletes.
    const auto last = Burst(app, t, 12, 100);
    INFO(nlohmann::json(last).dump());
    CHECK(last.at("410") >= 1);
    CHECK(last.count("200") == 0);
    CHECK(last.count("401") == 0);
    const auto record = app.storage().index().GetTransfer(t.id);
    CHECK(record->status == store::TransferStatus::deleted);
    CHECK(record->failed_attempts == 10);
    CHECK_FALSE(std::filesystem::exists(app.storage().blobs().BlobPath(reply.at("id").get<std::string>())));
    CHECK(Burst(app, t, 3, 200).at("410") == 3);
    CHECK(app.Stop() == 0);
}

TEST_CASE("submit racing revoke: a revoked transfer stays revoked and empty") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const auto f = dir.path / "x";
    MakeFile(f, 300000, 9);
    for (int round = 0; round < 8; ++round) {
        auto t = app.CreateTransfer(kPassword);
        const auto reply = nlohmann::json::parse(PutFile(app, t, f, "x"));
        const std::string base = app.Url() + "/api/v1/transfers/" + t.id;
        const std::string out = Shell(
            "curl -sS -o /dev/null -w 'submit %{http_code}\\n' -X POST " + SenderAuth() + "'" +
            base + "/submit' & curl -sS -o /dev/null -w 'revoke %{http_code}\\n' -X DELETE " +
            SenderAuth() + "'" + base + "' & wait");
        INFO(out);
        // Invariant: the revoke always wins in the end (it may come before or
        // after the submit, never be undone by it); nothing of it is left.
        CHECK(out.find("revoke 204") != std::string::npos);
        const auto record = app.storage().index().GetTransfer(t.id);
        CHECK(record->status == store::TransferStatus::revoked);
        CHECK_FALSE(app.storage().wraps().Get(t.id, store::WrapKind::upload));
        CHECK_FALSE(app.storage().wraps().Get(t.id, store::WrapKind::password));
        CHECK_FALSE(app.storage().index().GetFile(reply.at("id").get<std::string>()));
        CHECK_FALSE(std::filesystem::exists(app.storage().blobs().BlobPath(reply.at("id").get<std::string>())));
    }
    CHECK(app.Stop() == 0);
}

TEST_CASE("an upload racing a revoke never brings a file of the revoked transfer back") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const auto f = dir.path / "big";
    MakeFile(f, 8 << 20, 4);
    for (int round = 0; round < 5; ++round) {
        auto t = app.CreateTransfer(kPassword);
        const std::string base = app.Url() + "/api/v1/transfers/" + t.id;
        Shell("curl -sS -o /dev/null -T '" + f.string() + "' -H 'Expect:' " + SenderAuth() + "'" +
              base + "/files/big' & sleep 0.0" + std::to_string(round * 2) +
              "; curl -sS -o /dev/null -X DELETE " + SenderAuth() + "'" + base + "'; wait");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto record = app.storage().index().GetTransfer(t.id);
        REQUIRE(record);
        CHECK(record->status == store::TransferStatus::revoked);
        // Invariant: no file record and no blob of a revoked transfer survive.
        for (const auto& id : record->file_ids) {
            CHECK_FALSE(app.storage().index().GetFile(id));
            CHECK_FALSE(std::filesystem::exists(app.storage().blobs().BlobPath(id)));
        }
        std::size_t files = 0;
        app.storage().index().ForEachFile([&](const store::FileRecord& file) {
            files += file.transfer_id == t.id ? 1 : 0;
        });
        CHECK(files == 0);
    }
    CHECK(app.Stop() == 0);
}

TEST_CASE("the storage alone: 25 attempts at once count 3, the lock holds until it has passed") {
    StorageFixture f([](store::StorageOptions& options) {
        options.attempts.lock_seconds = 2; // security.lock_minutes, shortened for the test
    });
    store::Storage& storage = *f.storage;
    uv::Loop& loop = f.loop;
    {
        store::NewTransfer request;
        request.sender = kSender;
        request.recipients = {{"bo@example.com", "to"}};
        request.password = kPassword;
        request.message = "m";
        const auto t = storage.CreateTransfer(request);
        REQUIRE(storage.SubmitTransferNow(t.id).outcome == store::Outcome::ok);

        using Attempt = store::Index::AttemptOutcome;
        std::map<Attempt, int> outcomes;
        // All 25 are queued before the loop runs any of them: the threadpool
        // evaluates them concurrently.
        for (int i = 0; i < 25; ++i)
            storage.AttemptPassword(t, "wrong " + std::to_string(i), {},
                                    [&](store::Storage::AttemptResult r) { outcomes[r.outcome]++; });
        loop.Run();
        CHECK(outcomes[Attempt::failed] == 2);
        CHECK(outcomes[Attempt::locked] == 23);
        CHECK(storage.index().GetTransfer(t.id)->failed_attempts == 3);

        auto attempt = [&](const std::string& password) {
            std::optional<store::Storage::AttemptResult> result;
            storage.AttemptPassword(t, password, {},
                                    [&](store::Storage::AttemptResult r) { result = std::move(r); });
            loop.Run();
            REQUIRE(result);
            return *result;
        };
        // The right password is refused while locked, and not counted.
        CHECK(attempt(kPassword).outcome == Attempt::locked);
        CHECK(storage.index().GetTransfer(t.id)->failed_attempts == 3);
        std::this_thread::sleep_for(std::chrono::milliseconds(2300));
        const auto opened = attempt(kPassword);
        CHECK(opened.outcome == Attempt::unlocked);
        CHECK(opened.identity != nullptr);
    }
}

TEST_CASE("the storage alone: 12 right passwords at once all unlock; nothing is locked") {
    // Invariant: attempts that wait for those in flight are not answered
    // "locked" when no lock is set; with the right password each one opens,
    // and at most lock_after are evaluated at a time (the counter of
    // consecutive failures never moves).
    StorageFixture f;
    store::Storage& storage = *f.storage;
    uv::Loop& loop = f.loop;
    {
        store::NewTransfer request;
        request.sender = kSender;
        request.recipients = {{"bo@example.com", "to"}, {"carl@example.com", "to"}};
        request.password = kPassword;
        request.message = "m";
        const auto t = storage.CreateTransfer(request);
        REQUIRE(storage.SubmitTransferNow(t.id).outcome == store::Outcome::ok);
        using Attempt = store::Index::AttemptOutcome;
        std::map<Attempt, int> outcomes;
        int with_identity = 0;
        for (int i = 0; i < 12; ++i)
            storage.AttemptPassword(t, kPassword, {}, [&](store::Storage::AttemptResult r) {
                outcomes[r.outcome]++;
                with_identity += r.identity != nullptr;
                CHECK_FALSE(r.busy);
            });
        loop.Run();
        CHECK(outcomes[Attempt::unlocked] == 12);
        CHECK(with_identity == 12);
        const auto after = storage.index().GetTransfer(t.id);
        CHECK(after->failed_attempts == 0);
        CHECK(after->locked_until == 0);
        CHECK(after->pending_attempts == 0);

        // A crowd of wrong passwords behind the right ones still meets the
        // lock: 3 counted, the rest refused as locked, none left waiting.
        outcomes.clear();
        for (int i = 0; i < 20; ++i)
            storage.AttemptPassword(t, "wrong " + std::to_string(i), {},
                                    [&](store::Storage::AttemptResult r) { outcomes[r.outcome]++; });
        loop.Run();
        CHECK(outcomes[Attempt::failed] == 2);
        CHECK(outcomes[Attempt::locked] == 18);
        CHECK(storage.index().GetTransfer(t.id)->failed_attempts == 3);
        CHECK(storage.index().GetTransfer(t.id)->pending_attempts == 0);
    }
}

TEST_CASE("the Argon2id queue is bounded: beyond it an attempt is refused, uncounted") {
    StorageFixture f([](store::StorageOptions& options) {
        options.max_parallel_kdf = 1;
        options.max_queued_kdf = 2;
        options.attempts.lock_after = 100;
        options.attempts.delete_after = 200;
    });
    store::Storage& storage = *f.storage;
    uv::Loop& loop = f.loop;
    {
        store::NewTransfer request;
        request.sender = kSender;
        request.recipients = {{"bo@example.com", "to"}};
        request.password = kPassword;
        request.message = "m";
        const auto t = storage.CreateTransfer(request);
        REQUIRE(storage.SubmitTransferNow(t.id).outcome == store::Outcome::ok);
        int busy = 0, evaluated = 0;
        for (int i = 0; i < 12; ++i)
            storage.AttemptPassword(t, "wrong " + std::to_string(i), {},
                                    [&](store::Storage::AttemptResult r) {
                                        busy += r.busy ? 1 : 0;
                                        evaluated += r.evaluated ? 1 : 0;
                                    });
        loop.Run();
        // Invariant: never more than running + queued evaluations waiting at
        // once; the refused ones are neither evaluated nor counted.
        CHECK(busy >= 1);
        CHECK(busy + evaluated == 12);
        const auto record = storage.index().GetTransfer(t.id);
        CHECK(record->failed_attempts == static_cast<std::uint32_t>(evaluated));
        CHECK(record->pending_attempts == 0);
    }
}

TEST_CASE("an abandoned open transfer goes with the upload expiry, and its W_up with it") {
    StorageFixture f([](store::StorageOptions& options) {
        options.upload_expiry_seconds = 1;
    });
    store::Storage& storage = *f.storage; // until the restart below
    {
        store::NewTransfer request;
        request.sender = kSender;
        request.recipients = {{"bo@example.com", "to"}};
        request.password = kPassword;
        request.retention_seconds = 3600;
        const auto abandoned = storage.CreateTransfer(request);
        const auto also_open = storage.CreateTransfer(request);
        request.message = "m";
        const auto with_message = storage.CreateTransfer(request);
        REQUIRE(storage.SubmitTransferNow(with_message.id).outcome == store::Outcome::ok);
        const auto w_up = storage.wraps().Get(abandoned.id, store::WrapKind::upload);
        REQUIRE(w_up);
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        f.Restart(); // overdue at start, as after a restart
        CHECK(f.storage->index().GetTransfer(abandoned.id)->status == store::TransferStatus::expired);
        CHECK(f.storage->index().GetTransfer(also_open.id)->status == store::TransferStatus::expired);
        CHECK_FALSE(f.storage->wraps().Get(abandoned.id, store::WrapKind::upload));
        CHECK_FALSE(f.storage->wraps().Get(abandoned.id, store::WrapKind::password));
        // A provided transfer is not abandoned: it stays until its retention.
        CHECK(f.storage->index().GetTransfer(with_message.id)->status ==
              store::TransferStatus::provided);
        CHECK(FindIn(f.dir.path / "data",
                     std::string(reinterpret_cast<const char*>(w_up->data()), w_up->size())) ==
              "");
    }
}
