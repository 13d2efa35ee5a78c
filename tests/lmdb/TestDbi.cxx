#include "CreateDatabase.hxx"
#include "support/TempDir.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Error.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Txn.hxx"

#include <catch2/catch.hpp>

#include <string>

using namespace sealpost::lmdb;
using sealpost::test::CreateDatabase;
using sealpost::test::TempDir;

TEST_CASE("Put, Get and Del round-trip within and across transactions", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi items = CreateDatabase(env, "items");

    {
        Txn txn = Txn::BeginWrite(env);
        CHECK(items.Put(txn, "alpha", "1"));
        CHECK(items.Put(txn, "beta", std::string("two\0bytes", 9)));
        CHECK(items.Get(txn, "alpha") == "1");
        txn.Commit();
    }
    {
        Txn txn = Txn::BeginRead(env);
        CHECK(items.Get(txn, "alpha") == "1");
        CHECK(items.Get(txn, "beta") == std::string_view("two\0bytes", 9));
        CHECK_FALSE(items.Get(txn, "gamma").has_value());
        CHECK(items.Count(txn) == 2);
    }
    {
        Txn txn = Txn::BeginWrite(env);
        CHECK(items.Del(txn, "alpha"));
        CHECK_FALSE(items.Del(txn, "alpha"));
        CHECK_FALSE(items.Del(txn, "never-there"));
        txn.Commit();
    }
    Txn txn = Txn::BeginRead(env);
    CHECK_FALSE(items.Get(txn, "alpha").has_value());
    CHECK(items.Count(txn) == 1);
}

TEST_CASE("Put overwrites unless kPutNoOverwrite, which reports the existing key", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi items = CreateDatabase(env, "items");

    Txn txn = Txn::BeginWrite(env);
    CHECK(items.Put(txn, "k", "first", kPutNoOverwrite));
    CHECK_FALSE(items.Put(txn, "k", "second", kPutNoOverwrite));
    CHECK(items.Get(txn, "k") == "first");
    CHECK(items.Put(txn, "k", "third"));
    CHECK(items.Get(txn, "k") == "third");
}

TEST_CASE("A write transaction destroyed without Commit discards its writes", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi items = CreateDatabase(env, "items");

    {
        Txn txn = Txn::BeginWrite(env);
        items.Put(txn, "kept", "yes");
        txn.Commit();
    }
    try {
        Txn txn = Txn::BeginWrite(env);
        items.Put(txn, "lost", "yes");
        items.Del(txn, "kept");
        throw std::runtime_error("failure before commit");
    } catch (const std::runtime_error&) {
    }

    Txn txn = Txn::BeginRead(env);
    CHECK(items.Get(txn, "kept") == "yes");
    CHECK_FALSE(items.Get(txn, "lost").has_value());
}

TEST_CASE("Data survives closing and reopening the environment", "[lmdb]") {
    TempDir dir;
    {
        Env env(dir.Path());
        const Dbi items = CreateDatabase(env, "items");
        Txn txn = Txn::BeginWrite(env);
        items.Put(txn, "persisted", "value");
        txn.Commit();
    }
    Env env(dir.Path());
    Txn txn = Txn::BeginRead(env);
    const Dbi items = Dbi::Open(txn, "items");
    CHECK(items.Get(txn, "persisted") == "value");
}

TEST_CASE("Opening a missing named database without kDbCreate throws NotFoundError", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginRead(env);
    CHECK_THROWS_AS(Dbi::Open(txn, "absent"), NotFoundError);
}

TEST_CASE("kDbDupSort keeps several sorted values per key", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginWrite(env);
    const Dbi dup = Dbi::Open(txn, "dup", kDbCreate | kDbDupSort);
    CHECK(dup.Put(txn, "k", "b"));
    CHECK(dup.Put(txn, "k", "a"));
    CHECK_FALSE(dup.Put(txn, "k", "a", kPutNoDupData));
    CHECK(dup.Get(txn, "k") == "a");
    CHECK(dup.Count(txn) == 2);
    CHECK(dup.Del(txn, "k", "a"));
    CHECK(dup.Get(txn, "k") == "b");
    dup.Clear(txn);
    CHECK(dup.Count(txn) == 0);
}

TEST_CASE("Oversized keys raise a typed lmdb::Error with the LMDB code", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    const Dbi items = CreateDatabase(env, "items");
    Txn txn = Txn::BeginWrite(env);
    const std::string key(env.MaxKeySize() + 1, 'k');
    try {
        items.Put(txn, key, "v");
        FAIL("expected lmdb::Error");
    } catch (const Error& e) {
        CHECK(e.Code() != 0);
        CHECK(std::string(e.what()).starts_with("mdb_put: "));
    }
}
