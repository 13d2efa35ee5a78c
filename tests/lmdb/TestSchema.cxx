#include "support/TempDir.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace sealpost::lmdb;
using sealpost::test::TempDir;

namespace {

struct Counted {
    std::vector<int> runs = std::vector<int>(3, 0);

    std::vector<Migration> Migrations() {
        return {
            [this](Txn& txn) {
                ++runs[0];
                Dbi::Open(txn, "transfers", kDbCreate).Put(txn, "t1", "v1-record");
            },
            [this](Txn& txn) {
                ++runs[1];
                const Dbi transfers = Dbi::Open(txn, "transfers");
                const std::string old(*transfers.Get(txn, "t1"));
                transfers.Put(txn, "t1", old + "+v2");
            },
            [this](Txn& txn) {
                ++runs[2];
                Dbi::Open(txn, "expiry", kDbCreate);
            },
        };
    }
};

std::uint64_t VersionOf(Env& env) {
    Txn txn = Txn::BeginRead(env);
    return ReadSchemaVersion(txn);
}

} // namespace

TEST_CASE("OpenIndex runs each migration exactly once, across reopenings", "[lmdb]") {
    TempDir dir;
    Counted counted;
    const auto all = counted.Migrations();

    {
        Env env = OpenIndex(dir.Path(), 2, std::span(all).first(2));
        CHECK(VersionOf(env) == 2);
    }
    CHECK(counted.runs == std::vector<int>{1, 1, 0});

    {
        Env env = OpenIndex(dir.Path(), 2, std::span(all).first(2));
        CHECK(VersionOf(env) == 2);
    }
    CHECK(counted.runs == std::vector<int>{1, 1, 0});

    Env env = OpenIndex(dir.Path(), 3, all);
    CHECK(counted.runs == std::vector<int>{1, 1, 1});
    CHECK(VersionOf(env) == 3);
    Txn txn = Txn::BeginRead(env);
    CHECK(Dbi::Open(txn, "transfers").Get(txn, "t1") == "v1-record+v2");
    CHECK_NOTHROW(Dbi::Open(txn, "expiry"));
}

TEST_CASE("After OpenIndex every existing database handle belongs to the environment", "[lmdb]") {
    TempDir dir;
    Counted counted;
    const auto all = counted.Migrations();
    { OpenIndex(dir.Path(), 3, all); }

    // No migration runs on this open; the handles still outlive the read transaction that
    // first names them, which would close a handle it had created itself.
    Env env = OpenIndex(dir.Path(), 3, all);
    CHECK(counted.runs == std::vector<int>{1, 1, 1});
    const Dbi transfers = [&] {
        Txn txn = Txn::BeginRead(env);
        return Dbi::Open(txn, "transfers");
    }();
    Txn txn = Txn::BeginRead(env);
    CHECK(transfers.Get(txn, "t1") == "v1-record+v2");
    CHECK(Dbi::Open(txn, "transfers").Handle() == transfers.Handle());
}

TEST_CASE("OpenIndex refuses an index written by a newer sealpost", "[lmdb]") {
    TempDir dir;
    Counted counted;
    const auto all = counted.Migrations();
    { OpenIndex(dir.Path(), 3, all); }

    try {
        OpenIndex(dir.Path(), 2, std::span(all).first(2));
        FAIL("expected SchemaError");
    } catch (const SchemaError& e) {
        const std::string message = e.what();
        CHECK(message.find("schema version 3") != std::string::npos);
        CHECK(message.find("at most 2") != std::string::npos);
        CHECK(message.find("newer sealpost") != std::string::npos);
    }
    CHECK(counted.runs == std::vector<int>{1, 1, 1});
}

TEST_CASE("A failing migration leaves the index at the previous version", "[lmdb]") {
    TempDir dir;
    std::vector<Migration> migrations{
        [](Txn& txn) { Dbi::Open(txn, "a", kDbCreate).Put(txn, "k", "v"); },
        [](Txn& txn) {
            Dbi::Open(txn, "a").Put(txn, "k", "half-migrated");
            throw std::runtime_error("migration 2 failed");
        },
    };
    CHECK_THROWS_WITH(OpenIndex(dir.Path(), 2, migrations), "migration 2 failed");

    Env env = OpenIndex(dir.Path(), 1, std::span(migrations).first(1));
    CHECK(VersionOf(env) == 1);
    Txn txn = Txn::BeginRead(env);
    CHECK(Dbi::Open(txn, "a").Get(txn, "k") == "v");
}

TEST_CASE("OpenIndex checks that one migration is given per version", "[lmdb]") {
    TempDir dir;
    std::vector<Migration> one{[](Txn&) {}};
    CHECK_THROWS_AS(OpenIndex(dir.Path(), 2, one), std::invalid_argument);
}
