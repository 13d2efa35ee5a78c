// Client records and their rotation at a completed verification
// (identity/ClientRotation.hxx): the identities move to the fresh cookie's record in
// one transaction, the old record is gone, and concurrent rotations of one planted
// cookie leave exactly one new record holding its identities. A record opens only
// for the cookie whose client key matches it.
#include "identity/ClientRotation.hxx"

#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
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

// A sender store in a temporary folder, and a browser that verified `email`
// there at time 1.
struct Senders {
    test::TempDir dir;
    lmdb::Env env = OpenSenderEnv(dir.Path());
    SenderStore store{env};

    ClientCookie BrowserOf(const std::string& email) {
        auto cookie = ClientCookie::New();
        store.AddIdentity(cookie, Identity(email), 1);
        return cookie;
    }
};

} // namespace

TEST_CASE("rotation moves the identities to the fresh cookie and deletes the old record",
          "[identity]") {
    Senders senders;
    SenderStore& store = senders.store;
    const auto planted = senders.BrowserOf("eve@example.org");

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
    Senders senders;
    SenderStore& store = senders.store;
    const auto planted = senders.BrowserOf("eve@example.org");
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

TEST_CASE("a client record opens only for its own cookie: the right id with another key is nobody",
          "[identity]") {
    Senders senders;
    SenderStore& store = senders.store;
    const auto genuine = senders.BrowserOf("anna@example.org");
    REQUIRE(store.GetClient(genuine));
    CHECK(store.GetClient(genuine)->Find("anna@example.org", 3) != nullptr);

    // The same 128-bit client id (so the same record) with other keys.
    ClientCookie forged;
    forged.client_id = genuine.client_id;
    forged.client_key = crypto::SymmetricKey::Random();
    CHECK(forged.Handle() == genuine.Handle());
    CHECK_FALSE(store.GetClient(forged));
    for (std::size_t bit = 0; bit < 256; bit += 37) {
        std::array<std::uint8_t, 32> key{};
        std::copy(genuine.client_key.data(), genuine.client_key.data() + 32, key.begin());
        key[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ClientCookie flipped;
        flipped.client_id = genuine.client_id;
        flipped.client_key = crypto::SymmetricKey(std::span<const std::uint8_t, 32>(key));
        CHECK_FALSE(store.GetClient(flipped));
    }
    // Through the cookie text too.
    const auto parsed = ClientCookie::Parse(forged.Encode());
    REQUIRE(parsed);
    CHECK_FALSE(store.GetClient(*parsed));
    CHECK(store.GetClient(*ClientCookie::Parse(genuine.Encode())));

    // A forged cookie neither takes nor deletes the record at a rotation.
    const auto fresh = ClientCookie::New();
    const auto record = RotateClient(store, &forged, fresh, Identity("eve@example.org"), 2);
    CHECK(record.identities.size() == 1);
    CHECK(store.GetClient(genuine)->Find("anna@example.org", 3) != nullptr);
    CHECK(store.GetClient(fresh)->Find("anna@example.org", 3) == nullptr);

    // A record written without a key check (before it existed) opens for no
    // cookie: that browser verifies again.
    const auto legacy = ClientCookie::New();
    store.PutClient(legacy.Handle(), ClientRecord{{Identity("bo@example.org")}, 1, {}});
    REQUIRE(store.GetClient(legacy.Handle()));
    CHECK_FALSE(store.GetClient(legacy));
}

TEST_CASE("a client cookie is read only in its canonical spelling", "[identity]") {
    const auto cookie = ClientCookie::New();
    const std::string value = cookie.Encode();
    REQUIRE(value.size() == 64);
    const auto back = ClientCookie::Parse(value);
    REQUIRE(back);
    CHECK(back->Encode() == value);
    std::string standard = value;
    for (char& c : standard)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    if (standard != value)
        CHECK_FALSE(ClientCookie::Parse(standard));
    CHECK_FALSE(ClientCookie::Parse(value + "="));
    CHECK_FALSE(ClientCookie::Parse(value.substr(0, 63) + "="));
    CHECK_FALSE(ClientCookie::Parse(value.substr(0, 63)));
    CHECK_FALSE(ClientCookie::Parse(" " + value.substr(1)));
    CHECK_FALSE(ClientCookie::Parse(value.substr(0, 60) + "===="));
}

TEST_CASE("parallel lookups with forged keys: none finds the record, the genuine one always does",
          "[identity]") {
    Senders senders;
    SenderStore& store = senders.store;
    const auto genuine = senders.BrowserOf("anna@example.org");
    // Invariant: whatever the interleaving, a lookup with the genuine client id
    // and any other key finds nothing, and the genuine cookie finds its record.
    std::atomic<int> forged_found{0}, genuine_missed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                ClientCookie forged;
                forged.client_id = genuine.client_id;
                forged.client_key = crypto::SymmetricKey::Random();
                forged_found += store.GetClient(forged).has_value();
                genuine_missed += !store.GetClient(genuine).has_value();
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(forged_found == 0);
    CHECK(genuine_missed == 0);
}
