#include "CreateDatabase.hxx"
#include "support/TempDir.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Error.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Txn.hxx"
#include "lib/lmdb/Update.hxx"

#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace sealpost::lmdb;
using sealpost::test::CreateDatabase;
using sealpost::test::TempDir;

namespace {

constexpr std::size_t kSmallMap = 256 * 1024;

/// Writes 1 KiB values under keys 0..count-1 in one transaction.
void WriteMany(Env& env, const Dbi& dbi, std::uint64_t count) {
    Txn txn = Txn::BeginWrite(env);
    for (std::uint64_t i = 0; i < count; ++i)
        dbi.Put(txn, EncodeU64(i), std::string(1024, 'v'));
    txn.Commit();
}

} // namespace

TEST_CASE("A full map raises MapFullError; Grow lets the same write succeed", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path(), {.map_size = kSmallMap});
    const Dbi data = CreateDatabase(env, "data");

    CHECK_THROWS_AS(WriteMany(env, data, 1000), MapFullError);
    {
        Txn txn = Txn::BeginRead(env);
        CHECK(data.Count(txn) == 0); // the failed transaction left nothing behind
    }

    const std::size_t before = env.MapSize();
    std::size_t grown = before;
    while (grown < 4 * 1024 * 1024)
        grown = env.Grow();
    CHECK(grown > before);
    CHECK(env.MapSize() == grown);
    WriteMany(env, data, 1000);

    Txn txn = Txn::BeginRead(env);
    CHECK(data.Count(txn) == 1000);
}

TEST_CASE("Update grows the map and retries a write that hit MapFullError", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path(), {.map_size = kSmallMap});
    const Dbi data = CreateDatabase(env, "data");

    unsigned runs = 0;
    Update(env, [&](Txn& txn) {
        ++runs;
        for (std::uint64_t i = 0; i < 1000; ++i)
            data.Put(txn, EncodeU64(i), std::string(1024, 'v'));
    });
    CHECK(runs > 1);
    CHECK(env.MapSize() > kSmallMap);

    Txn txn = Txn::BeginRead(env);
    CHECK(data.Count(txn) == 1000);

    txn.Abort();
    CHECK_THROWS_AS(Update(
                        env,
                        [&](Txn& t) {
                            for (std::uint64_t i = 0; i < 100000; ++i)
                                data.Put(t, EncodeU64(i), std::string(1024, 'w'));
                        },
                        0),
                    MapFullError);
}

TEST_CASE("A read transaction on another thread runs while a write transaction is open", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi data = CreateDatabase(env, "data");
    {
        Txn txn = Txn::BeginWrite(env);
        data.Put(txn, "k", "committed");
        txn.Commit();
    }

    Txn writer = Txn::BeginWrite(env);
    data.Put(writer, "k", "pending");
    data.Put(writer, "new", "pending");

    std::optional<std::string> seen_k;
    bool seen_new = true;
    std::thread reader([&] {
        Txn txn = Txn::BeginRead(env);
        if (auto v = data.Get(txn, "k"))
            seen_k = std::string(*v);
        seen_new = data.Get(txn, "new").has_value();
    });
    reader.join(); // would deadlock if readers waited for the writer
    CHECK(seen_k == "committed");
    CHECK_FALSE(seen_new);

    writer.Commit();
    Txn txn = Txn::BeginRead(env);
    CHECK(data.Get(txn, "k") == "pending");
}

TEST_CASE("With MDB_NOTLS one thread holds several read transactions and hands them over",
          "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi data = CreateDatabase(env, "data");
    {
        Txn txn = Txn::BeginWrite(env);
        data.Put(txn, "k", "v1");
        txn.Commit();
    }

    Txn first = Txn::BeginRead(env);
    {
        Txn txn = Txn::BeginWrite(env);
        data.Put(txn, "k", "v2");
        txn.Commit();
    }
    Txn second = Txn::BeginRead(env); // a second reader on the same thread

    std::vector<std::string> seen;
    std::thread pool_thread([&] {
        seen.emplace_back(*data.Get(first, "k"));
        seen.emplace_back(*data.Get(second, "k"));
        first.Abort();
    });
    pool_thread.join();
    CHECK(seen == std::vector<std::string>{"v1", "v2"});

    second.Reset();
    {
        Txn txn = Txn::BeginWrite(env);
        data.Put(txn, "k", "v3");
        txn.Commit();
    }
    second.Renew();
    CHECK(data.Get(second, "k") == "v3");
}

TEST_CASE("Running out of reader slots raises ReadersFullError", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path(), {.max_readers = 2});
    Txn a = Txn::BeginRead(env);
    Txn b = Txn::BeginRead(env);
    CHECK_THROWS_AS(Txn::BeginRead(env), ReadersFullError);
    b.Abort();
    CHECK_NOTHROW(Txn::BeginRead(env));
}

TEST_CASE("Moving an Env or Txn transfers ownership", "[lmdb]") {
    TempDir dir;
    Env original(dir.Path());
    Env env = std::move(original);
    const Dbi data = CreateDatabase(env, "data");

    Txn txn = Txn::BeginWrite(env);
    data.Put(txn, "k", "v");
    Txn moved = std::move(txn);
    CHECK_FALSE(txn.IsLive()); // NOLINT(bugprone-use-after-move): checking the moved-from state
    CHECK(moved.IsLive());
    moved.Commit();
    CHECK_FALSE(moved.IsLive());

    Txn read = Txn::BeginRead(env);
    CHECK(read.IsReadOnly());
    CHECK(data.Get(read, "k") == "v");
}
