// Client records and their rotation at a completed verification
// (identity/ClientRotation.hxx): the identities move to the fresh cookie's record in
// one transaction, the old record is gone, and concurrent rotations of one planted
// cookie leave exactly one new record holding its identities.
#include "identity/ClientRotation.hxx"

#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <array>
#include <thread>

using namespace sealpost;
using namespace sealpost::identity;

namespace {

lmdb::Env OpenSenderEnv(const std::filesystem::path& dir) {
    const std::array<lmdb::Migration, 1> migrations{[](lmdb::Txn& txn) {
        for (const char* name : {"clients", "verifications", "tokens"})
            lmdb::Dbi::Open(txn, name, lmdb::kDbCreate);
    }};
    lmdb::EnvOptions options;
    options.max_dbs = 8;
    return lmdb::OpenIndex(dir, 1, migrations, options);
}

SenderIdentity Identity(const std::string& email) {
    return {email, "", "", 2'000'000'000};
}

} // namespace

TEST_CASE("rotation moves the identities to the fresh cookie and deletes the old record",
          "[identity]") {
    test::TempDir dir;
    auto env = OpenSenderEnv(dir.Path());
    SenderStore store(env);
    const auto planted = ClientCookie::New();
    store.AddIdentity(planted.Handle(), Identity("eve@example.org"), 1);

    const auto fresh = ClientCookie::New();
    const auto record = RotateClient(store, &planted, fresh, Identity("anna@example.org"), 2);
    CHECK(record.identities.size() == 2);
    CHECK(record.created_at == 1); // the browser's record, carried over
    CHECK_FALSE(store.GetClient(planted.Handle()));
    const auto now = store.GetClient(fresh.Handle());
    REQUIRE(now);
    CHECK(now->Find("anna@example.org", 3) != nullptr);
    CHECK(now->Find("EVE@example.org", 3) != nullptr);
    CHECK(fresh.Encode() != planted.Encode());
    CHECK(fresh.Handle() != planted.Handle());

    // A browser without a cookie gets a record of its own.
    const auto first = ClientCookie::New();
    CHECK(RotateClient(store, nullptr, first, Identity("bo@example.org"), 4).identities.size() ==
          1);
    CHECK(store.GetClient(first.Handle())->created_at == 4);

    // Verifying an address the browser already holds renews it, no duplicate.
    const auto again = ClientCookie::New();
    auto renewed = Identity("anna@example.org");
    renewed.verified_until = 2'100'000'000;
    const auto after = RotateClient(store, &fresh, again, renewed, 5);
    CHECK(after.identities.size() == 2);
    CHECK(store.GetClient(again.Handle())->Find("anna@example.org", 2'050'000'000) != nullptr);
}

TEST_CASE("parallel rotations of one cookie: the old record ends up nowhere twice", "[identity]") {
    test::TempDir dir;
    auto env = OpenSenderEnv(dir.Path());
    SenderStore store(env);
    const auto planted = ClientCookie::New();
    store.AddIdentity(planted.Handle(), Identity("eve@example.org"), 1);
    // The invariant: however the rotations interleave, the old record is gone and
    // its identity went to exactly one of the fresh records (one transaction each).
    constexpr int kThreads = 8;
    std::vector<ClientCookie> fresh;
    for (int i = 0; i < kThreads; ++i)
        fresh.push_back(ClientCookie::New());
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            RotateClient(store, &planted, fresh[i],
                         Identity("user" + std::to_string(i) + "@example.org"), 2);
        });
    for (auto& t : threads)
        t.join();
    CHECK_FALSE(store.GetClient(planted.Handle()));
    int holders = 0;
    for (const auto& cookie : fresh) {
        const auto record = store.GetClient(cookie.Handle());
        REQUIRE(record);
        holders += record->Find("eve@example.org", 3) != nullptr;
    }
    CHECK(holders == 1);
}
