// The audit store: the hash chain verifies after many events and after reopening,
// and editing, deleting or reordering records directly in LMDB makes Verify() name
// the first bad sequence number; queries filter and page newest first; exports.
#include "audit/AuditExport.hxx"
#include "audit/AuditStore.hxx"
#include "lib/evp/Digest.hxx"
#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Txn.hxx"
#include "util/Hex.hxx"

#include "../lmdb/TempDir.hxx"

#include <catch2/catch.hpp>

#include <sstream>

using namespace sealpost;
using namespace sealpost::audit;

namespace {

TimedEvent Event(std::string name, std::string transfer, std::string email, std::int64_t time,
                 nlohmann::json detail = nlohmann::json::object()) {
    return {{std::move(name), std::move(transfer), std::move(email), "192.0.2.7", "curl/8.0",
             std::move(detail)},
            time};
}

/// 300 events over 3 transfers and 2 senders, appended in batches of 7.
void Fill(AuditStore& store, std::int64_t t0 = 1'700'000'000) {
    std::vector<TimedEvent> batch;
    for (int i = 0; i < 300; ++i) {
        batch.push_back(Event(i % 2 ? "file_downloaded" : "password_failed",
                              "T" + std::to_string(i % 3),
                              i % 2 ? "a@example.org" : "B@Example.org", t0 + i, {{"n", i}}));
        if (batch.size() == 7 || i == 299) {
            store.Append(batch);
            batch.clear();
        }
    }
}

void Tamper(AuditStore& store, const std::function<void(lmdb::Txn&, const lmdb::Dbi&)>& edit) {
    auto txn = lmdb::Txn::BeginWrite(store.env());
    const auto dbi = lmdb::Dbi::Open(txn, kEventsDatabase);
    edit(txn, dbi);
    txn.Commit();
}

std::string Stored(AuditStore& store, std::uint64_t seq) {
    auto txn = lmdb::Txn::BeginRead(store.env());
    return std::string(*lmdb::Dbi::Open(txn, kEventsDatabase).Get(txn, lmdb::EncodeU64(seq)));
}

} // namespace

TEST_CASE("the chain verifies after many events and after reopening", "[audit]") {
    test::TempDir dir;
    std::string head;
    {
        AuditStore store(dir.Path() / "audit");
        const auto empty = store.Verify();
        CHECK(empty.ok);
        CHECK(empty.events == 0);
        CHECK(empty.head == kGenesisHash);
        Fill(store);
        const auto result = store.Verify();
        CHECK(result.ok);
        CHECK(result.events == 300);
        CHECK_FALSE(result.first_bad_seq);
        CHECK(result.head == store.Head().hash);
        head = result.head;
    }
    AuditStore reopened(dir.Path() / "audit");
    auto result = reopened.Verify();
    CHECK(result.ok);
    CHECK(result.events == 300);
    CHECK(result.head == head);
    const auto more = reopened.Append(std::vector{Event("admin_login", "", "", 1'800'000'000)});
    REQUIRE(more.size() == 1);
    CHECK(more[0].seq == 301);
    CHECK(more[0].prev_hash == head);
    result = reopened.Verify();
    CHECK(result.ok);
    CHECK(result.events == 301);
}

TEST_CASE("records are numbered, chained, timed and hashed as documented", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    const auto records = store.Append(
        std::vector{Event("transfer_created", "T1", "s@example.org", 1'764'162'937, {{"files", 2}}),
                    // A clock that stepped back repeats the last time.
                    Event("file_uploaded", "T1", "s@example.org", 1'764'162'900)});
    REQUIRE(records.size() == 2);
    CHECK(records[0].seq == 1);
    CHECK(records[0].prev_hash == kGenesisHash);
    CHECK(records[1].seq == 2);
    CHECK(records[1].prev_hash == records[0].hash);
    CHECK(records[1].time == records[0].time);

    // The stored bytes are the canonical text; the hash is SHA-256 over that text
    // without the hash member, computed here independently.
    const std::string stored = Stored(store, 1);
    CHECK(stored == R"({"detail":{"files":2},"email":"s@example.org","event":"transfer_created",)"
                    R"("hash":")" +
                        records[0].hash + R"(","ip":"192.0.2.7","prev_hash":")" +
                        std::string(kGenesisHash) +
                        R"(","seq":1,"time":"2025-11-26T13:15:37Z","transfer_id":"T1",)"
                        R"("user_agent":"curl/8.0"})");
    const std::string unhashed =
        R"({"detail":{"files":2},"email":"s@example.org","event":"transfer_created",)"
        R"("ip":"192.0.2.7","prev_hash":")" +
        std::string(kGenesisHash) +
        R"(","seq":1,"time":"2025-11-26T13:15:37Z","transfer_id":"T1","user_agent":"curl/8.0"})";
    const auto digest = evp::Sha256(
        std::span{reinterpret_cast<const std::uint8_t*>(unhashed.data()), unhashed.size()});
    CHECK(records[0].hash == HexEncode(digest));
}

TEST_CASE("unknown event names and float details are refused", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    CHECK_THROWS_AS(store.Append(std::vector{Event("transfer_exploded", "", "", 1)}),
                    std::invalid_argument);
    CHECK_THROWS_AS(store.Append(std::vector{Event("admin_login", "", "", 1, {{"x", 1.5}})}),
                    std::invalid_argument);
    CHECK(store.Verify().events == 0);
    for (std::string_view name : AuditEventNames())
        CHECK_NOTHROW(store.Append(std::vector{Event(std::string(name), "", "", 1)}));
    CHECK(store.Verify().events == 23);
}

TEST_CASE("invalid UTF-8 is repaired so the record still verifies", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    auto event = Event("admin_login_failed", "", "x@example.org", 5);
    event.event.user_agent = "bad \xff\xfe agent\n\"quoted\"";
    event.event.detail = {{"username", "ro\xc3"}};
    const auto records = store.Append(std::vector{event});
    CHECK(records[0].event.user_agent == "bad \xEF\xBF\xBD\xEF\xBF\xBD agent\n\"quoted\"");
    CHECK(store.Verify().ok);
}

TEST_CASE("editing one event's bytes in LMDB fails verification at its seq", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    Fill(store);

    SECTION("a changed field, hash left alone") {
        std::string text = Stored(store, 137);
        const auto at = text.find("192.0.2.7");
        REQUIRE(at != std::string::npos);
        text[at + 8] = '8';
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            dbi.Put(txn, lmdb::EncodeU64(137), text);
        });
    }
    SECTION("a changed field with its own hash recomputed") {
        auto record = *FromJson(nlohmann::json::parse(Stored(store, 137)));
        record.event.email = "someone-else@example.org";
        record.hash = ComputeHash(record);
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            dbi.Put(txn, lmdb::EncodeU64(137), CanonicalText(record));
        });
        // Record 137 is self-consistent now; 138 no longer follows it.
        const auto result = store.Verify();
        CHECK_FALSE(result.ok);
        REQUIRE(result.first_bad_seq);
        CHECK(*result.first_bad_seq == 138);
        return;
    }
    SECTION("whitespace added") {
        const std::string text = Stored(store, 137);
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            dbi.Put(txn, lmdb::EncodeU64(137), text + " ");
        });
    }
    SECTION("one byte flipped anywhere") {
        std::string text = Stored(store, 137);
        text[text.size() / 2] ^= 0x01;
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            dbi.Put(txn, lmdb::EncodeU64(137), text);
        });
    }
    SECTION("deleted") {
        Tamper(store,
               [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) { dbi.Del(txn, lmdb::EncodeU64(137)); });
    }
    SECTION("swapped with its successor") {
        const std::string a = Stored(store, 137), b = Stored(store, 138);
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            dbi.Put(txn, lmdb::EncodeU64(137), b);
            dbi.Put(txn, lmdb::EncodeU64(138), a);
        });
    }
    const auto result = store.Verify();
    CHECK_FALSE(result.ok);
    REQUIRE(result.first_bad_seq);
    CHECK(*result.first_bad_seq == 137);
    CHECK_FALSE(result.problem.empty());
}

TEST_CASE("events cut from the end are noticed through the head record", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    Fill(store);
    Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
        dbi.Del(txn, lmdb::EncodeU64(300));
        dbi.Del(txn, lmdb::EncodeU64(299));
    });
    const auto result = store.Verify();
    CHECK_FALSE(result.ok);
    REQUIRE(result.first_bad_seq);
    CHECK(*result.first_bad_seq == 299);
}

TEST_CASE("queries filter and page newest first", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    const std::int64_t t0 = 1'700'000'000;
    Fill(store, t0);

    AuditQuery all;
    all.limit = 0;
    auto page = store.Query(all);
    REQUIRE(page.events.size() == 300);
    CHECK(page.events.front().seq == 300);
    CHECK(page.events.back().seq == 1);
    CHECK_FALSE(page.next_cursor);

    // By transfer, paged by 25: every event of T1, no duplicates, descending.
    AuditQuery by_transfer;
    by_transfer.transfer_id = "T1";
    by_transfer.limit = 25;
    std::vector<std::uint64_t> seqs;
    for (int pages = 0; pages < 10; ++pages) {
        page = store.Query(by_transfer);
        for (const auto& r : page.events) {
            CHECK(r.event.transfer_id == "T1");
            seqs.push_back(r.seq);
        }
        if (!page.next_cursor)
            break;
        by_transfer.before = page.next_cursor;
    }
    REQUIRE(seqs.size() == 100);
    CHECK(std::is_sorted(seqs.rbegin(), seqs.rend()));
    CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());

    // Email case-insensitively, combined with an event name and a time window.
    AuditQuery combined;
    combined.email = "b@example.ORG";
    combined.event = "password_failed";
    combined.since = t0 + 100;
    combined.until = t0 + 109;
    combined.limit = 0;
    page = store.Query(combined);
    REQUIRE(page.events.size() == 5); // even i in [100, 109]
    for (const auto& r : page.events) {
        CHECK(r.event.event == "password_failed");
        CHECK(r.time >= t0 + 100);
        CHECK(r.time <= t0 + 109);
    }

    AuditQuery by_event;
    by_event.event = "file_downloaded";
    by_event.limit = 3;
    page = store.Query(by_event);
    REQUIRE(page.events.size() == 3);
    CHECK(page.events[0].seq == 300);
    CHECK(page.events[2].seq == 296);
    CHECK(page.next_cursor == 296);

    AuditQuery none;
    none.transfer_id = "nope";
    CHECK(store.Query(none).events.empty());
}

TEST_CASE("exports: JSON lines re-hash on their own, CSV quotes per RFC 4180", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    auto event =
        Event("admin_login_failed", "", "x@example.org", 1'764'162'937, {{"username", "root"}});
    event.event.user_agent = "Agent, \"with\" quotes\r\nand lines";
    const auto record = store.Append(std::vector{event}).front();

    const std::string line = ToJsonLine(record);
    REQUIRE(line.back() == '\n');
    auto value = nlohmann::json::parse(line);
    const std::string hash = value.at("hash");
    value.erase("hash");
    const std::string text = value.dump();
    CHECK(HexEncode(evp::Sha256(
              std::span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()})) == hash);

    CHECK(CsvHeader() ==
          "seq,time,event,transfer_id,email,ip,user_agent,detail,prev_hash,hash\r\n");
    CHECK(ToCsvRow(record) == "1,2025-11-26T13:15:37Z,admin_login_failed,,x@example.org,192.0.2.7,"
                              "\"Agent, \"\"with\"\" quotes\r\nand lines\","
                              "\"{\"\"username\"\":\"\"root\"\"}\"," +
                                  std::string(kGenesisHash) + "," + record.hash + "\r\n");
}

TEST_CASE("RFC 3339 times", "[audit]") {
    CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(ParseRfc3339("2026-11-26T13:15:37Z") == 1'795'698'937);
    CHECK(ParseRfc3339("2026-11-26T13:15:37.25Z") == 1'795'698'937);
    CHECK(ParseRfc3339("2026-11-26") == 1'795'651'200);
    CHECK_FALSE(ParseRfc3339("2026-13-01"));
    CHECK_FALSE(ParseRfc3339("yesterday"));
    CHECK_FALSE(ParseRfc3339("2026-11-26T13:15:37+02:00"));
}
