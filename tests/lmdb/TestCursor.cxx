#include "support/TempDir.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Env.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/KeyBuilder.hxx"
#include "lib/lmdb/KeyReader.hxx"
#include "lib/lmdb/Txn.hxx"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace sealpost::lmdb;
using sealpost::test::TempDir;

TEST_CASE("Cursor iterates big-endian keys in numeric order", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginWrite(env);
    const Dbi dbi = Dbi::Open(txn, "numbers", kDbCreate);
    // Inserted out of order; 256 and 65536 sort before 255 as little-endian or decimal text.
    const std::vector<std::uint64_t> inserted{65536, 3, 256, 0, 255, UINT64_MAX, 1};
    for (const auto n : inserted)
        dbi.Put(txn, EncodeU64(n), std::to_string(n));

    std::vector<std::uint64_t> seen;
    {
        Cursor cursor(txn, dbi);
        for (auto e = cursor.First(); e; e = cursor.Next()) {
            seen.push_back(*DecodeU64(e->key));
            CHECK(e->value == std::to_string(seen.back()));
        }
    }
    CHECK(seen == std::vector<std::uint64_t>{0, 1, 3, 255, 256, 65536, UINT64_MAX});

    Cursor cursor(txn, dbi);
    CHECK(DecodeU64(cursor.Last()->key) == UINT64_MAX);
    CHECK(DecodeU64(cursor.Prev()->key) == 65536);
    CHECK(DecodeU64(cursor.Seek(EncodeU64(4))->key) == 255);
    CHECK(DecodeU64(cursor.Current()->key) == 255);
    CHECK(cursor.Find(EncodeU64(3))->value == "3");
    CHECK_FALSE(cursor.Find(EncodeU64(4)).has_value());
}

TEST_CASE("Cursor prefix and range iteration over composite keys", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginWrite(env);
    const Dbi files = Dbi::Open(txn, "files", kDbCreate);
    for (const char* transfer : {"ab", "abc", "b"})
        for (std::uint64_t n = 0; n < 3; ++n)
            files.Put(txn, KeyBuilder().Text(transfer).U64(n).Take(), transfer);

    std::vector<std::uint64_t> numbers;
    Cursor cursor(txn, files);
    cursor.ForEachPrefix(KeyBuilder().Text("ab").View(), [&](const Entry& e) {
        KeyReader reader(e.key);
        CHECK(reader.Text() == "ab");
        numbers.push_back(*reader.U64());
        CHECK(reader.AtEnd());
        CHECK(e.value == "ab");
    });
    CHECK(numbers == std::vector<std::uint64_t>{0, 1, 2});

    std::size_t visited = 0;
    cursor.ForEachPrefix("ab", [&](const Entry&) { return ++visited < 4; });
    CHECK(visited == 4); // stopped early by returning false; 6 keys start with "ab"

    CHECK_FALSE(cursor.SeekPrefix("c").has_value());
    CHECK_FALSE(cursor.SeekPrefix(KeyBuilder().Text("a").View()).has_value());

    std::vector<std::string> values;
    cursor.ForEachInRange(KeyBuilder().Text("abc").U64(1).View(),
                          KeyBuilder().Text("b").U64(1).View(),
                          [&](const Entry& e) { values.emplace_back(e.value); });
    CHECK(values == std::vector<std::string>{"abc", "abc", "b"});

    values.clear();
    cursor.ForEachInRange("", "", [&](const Entry& e) { values.emplace_back(e.value); });
    CHECK(values.size() == 9);
}

TEST_CASE("Deleting while iterating visits every entry once", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginWrite(env);
    const Dbi expiry = Dbi::Open(txn, "expiry", kDbCreate);
    for (std::uint64_t t = 0; t < 500; ++t)
        expiry.Put(txn, EncodeU64(t), std::string(100, 'x'));

    std::uint64_t expected = 0;
    {
        Cursor cursor(txn, expiry);
        cursor.ForEachInRange("", EncodeU64(400), [&](const Entry& e) {
            CHECK(DecodeU64(e.key) == expected++);
            cursor.DelCurrent();
        });
    }
    CHECK(expected == 400);
    CHECK(expiry.Count(txn) == 100);
    Cursor cursor(txn, expiry);
    CHECK(DecodeU64(cursor.First()->key) == 400);
}

TEST_CASE("Cursor on an empty database finds nothing", "[lmdb]") {
    TempDir dir;
    Env env(dir.Path());
    Txn txn = Txn::BeginWrite(env);
    const Dbi empty = Dbi::Open(txn, "empty", kDbCreate);
    Cursor cursor(txn, empty);
    CHECK_FALSE(cursor.First().has_value());
    CHECK_FALSE(cursor.Last().has_value());
    CHECK_FALSE(cursor.Seek("x").has_value());
    CHECK_FALSE(cursor.Find("").has_value());
}

TEST_CASE("A cursor may outlive its write transaction's commit or abort", "[lmdb]") {
    // LMDB frees a write transaction's cursors when it ends; the Cursor must not close
    // its handle again (ASan reports the double free if it does).
    TempDir dir;
    Env env(dir.Path());
    for (const bool commit : {true, false}) {
        Txn txn = Txn::BeginWrite(env);
        const Dbi dbi = Dbi::Open(txn, "outlived", kDbCreate);
        dbi.Put(txn, "k", "v");
        Cursor cursor(txn, dbi);
        REQUIRE(cursor.First());
        Cursor moved(std::move(cursor));
        if (commit)
            txn.Commit();
        else
            txn.Abort();
    }
    // A read transaction's cursor is closed by the Cursor itself, also after the end.
    Txn read = Txn::BeginRead(env);
    Cursor cursor(read, Dbi::Open(read, "outlived"));
    CHECK(cursor.First()->value == "v");
    read.Abort();
}
