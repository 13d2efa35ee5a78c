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
#include "util/Time.hxx"

#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
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
    // Every name is accepted once (the list grows with the API).
    CHECK(store.Verify().events == AuditEventNames().size());
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

TEST_CASE("CSV export shows hostile fields as text, never as formulas", "[audit]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    auto event = Event("verification_requested", "", "=HYPERLINK(\"http://x\",\"y\")@evil.example",
                       1'764'162'937);
    event.event.user_agent = "=cmd|' /C calc'!A0";
    event.event.ip = "-1+1";
    const auto record = store.Append(std::vector{event}).front();
    const std::string row = ToCsvRow(record);
    CHECK(row.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")@evil.example\",") !=
          std::string::npos);
    CHECK(row.find(",'-1+1,'=cmd|' /C calc'!A0,") != std::string::npos);
    for (const char* hostile : {"+SUM(A1)", "@SUM(A1)", "\tx", "\rx", "-x", "=x"})
        CHECK(CsvField(hostile).find('\'') < 2); // the apostrophe comes first (after a quote)
    CHECK(CsvField("plain") == "plain");
    CHECK(CsvField("a=b") == "a=b");
    CHECK(CsvField("") == "");

    // An independent RFC 4180 reader (Python's csv) reads the same cells back, each
    // starting with the apostrophe.
    test::TempDir out;
    const auto file = out.Path() / "audit.csv";
    { std::ofstream(file, std::ios::binary) << CsvHeader() << row; }
    const std::string command =
        "/usr/bin/python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=\"\"))); "
        "print(r[1][4]); print(r[1][5]); print(r[1][6])' " +
        file.string();
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string text;
    char buffer[512];
    while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe))
        text.append(buffer, n);
    REQUIRE(pclose(pipe) == 0);
    CHECK(text == "'=HYPERLINK(\"http://x\",\"y\")@evil.example\n'-1+1\n'=cmd|' /C calc'!A0\n");
}

TEST_CASE("RFC 3339 times of records and query filters", "[audit]") {
    CHECK(Rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(ParseRfc3339OrDate("2026-11-26T13:15:37Z") == 1'795'698'937);
    CHECK(ParseRfc3339OrDate("2026-11-26T13:15:37.25Z") == 1'795'698'937);
    CHECK(ParseRfc3339OrDate("2026-11-26T15:15:37+02:00") == 1'795'698'937);
    CHECK(ParseRfc3339OrDate("2026-11-26") == 1'795'651'200);
    CHECK_FALSE(ParseRfc3339OrDate("2026-13-01"));
    CHECK_FALSE(ParseRfc3339OrDate("yesterday"));
    CHECK_FALSE(ParseRfc3339OrDate("2026-11-26T13:15"));
}

namespace {

/// Queries everything (newest first) and returns the sequence numbers.
std::vector<std::uint64_t> AllSeqs(AuditStore& store, AuditQuery query = {}) {
    query.limit = 0;
    std::vector<std::uint64_t> seqs;
    for (const auto& record : store.Query(query).events)
        seqs.push_back(record.seq);
    return seqs;
}

} // namespace

TEST_CASE("retention removes old records from the start and the rest still verifies",
          "[audit][retention]") {
    test::TempDir dir;
    AuditStore store(dir.Path());
    const std::int64_t t0 = 1'700'000'000;
    // seq 1-4: sign-ins without a transfer; 5-6: transfer T1 (gone); 7: T2 (still
    // there); 8-9: no transfer again.
    const std::vector<TimedEvent> events{
        Event("admin_login", "", "ann@example.org", t0),
        Event("verification_requested", "", "bo@example.org", t0 + 10),
        Event("verification_confirmed", "", "bo@example.org", t0 + 20),
        Event("admin_login_failed", "", "ann@example.org", t0 + 30),
        Event("transfer_created", "T1", "bo@example.org", t0 + 40),
        Event("transfer_expired", "T1", "", t0 + 50),
        Event("transfer_created", "T2", "bo@example.org", t0 + 60),
        Event("admin_login", "", "ann@example.org", t0 + 70),
        Event("admin_login", "", "ann@example.org", t0 + 80),
    };
    store.Append(events);
    const std::string head = store.Head().hash;
    const auto exists = [](std::string_view id) { return id == "T2"; };

    SECTION("nothing is due before the cutoff") {
        const auto result = store.Prune({.cutoff = t0, .transfer_exists = exists});
        CHECK(result.pruned == 0);
        CHECK_FALSE(result.anchor);
        CHECK(store.Verify().first_seq == 1);
    }

    SECTION("records older than the cutoff go, oldest first, with their index entries") {
        const auto result = store.Prune({.cutoff = t0 + 25, .transfer_exists = exists});
        CHECK(result.pruned == 3);
        REQUIRE(result.anchor);
        CHECK(result.anchor->seq == 3);
        CHECK(result.anchor->time == t0 + 20);
        CHECK(store.Anchor()->hash == result.anchor->hash);

        const auto verified = store.Verify();
        CHECK(verified.ok);
        CHECK(verified.events == 6);
        CHECK(verified.first_seq == 4);
        CHECK(verified.head == head);
        CHECK(AllSeqs(store) == std::vector<std::uint64_t>{9, 8, 7, 6, 5, 4});
        CHECK(AllSeqs(store, {.email = "bo@example.org"}) == std::vector<std::uint64_t>{7, 5});
        CHECK(AllSeqs(store, {.event = "verification_confirmed"}).empty());

        // The chain goes on from the same head, also after reopening.
        store.Append(std::vector{Event("admin_login", "", "ann@example.org", t0 + 90)});
        AuditStore reopened(dir.Path());
        const auto again = reopened.Verify();
        CHECK(again.ok);
        CHECK(again.events == 7);
        CHECK(again.first_seq == 4);
    }

    SECTION("a transfer's records stay while it exists, then go as a whole") {
        // T1 is gone and its newest record is older than the cutoff; T2 still exists
        // and stops pruning at its first record, keeping everything after it.
        auto result = store.Prune({.cutoff = t0 + 1000, .transfer_exists = exists});
        CHECK(result.pruned == 6);
        CHECK(store.Verify().first_seq == 7);
        CHECK(AllSeqs(store, {.transfer_id = "T1"}).empty());
        CHECK(AllSeqs(store, {.transfer_id = "T2"}) == std::vector<std::uint64_t>{7});

        result = store.Prune(
            {.cutoff = t0 + 1000, .transfer_exists = [](std::string_view) { return false; }});
        CHECK(result.pruned == 3);
        const auto verified = store.Verify();
        CHECK(verified.ok);
        CHECK(verified.events == 0);
        CHECK(verified.first_seq == 10);
        CHECK(verified.head == head);
    }

    SECTION("a gone transfer's trail is kept until its newest record is past the cutoff") {
        // T1's last record (t0 + 50) is newer than this cutoff, so seq 5 stops pruning
        // although it is older itself.
        const auto result = store.Prune({.cutoff = t0 + 45, .transfer_exists = exists});
        CHECK(result.pruned == 4);
        CHECK(store.Verify().first_seq == 5);
    }

    SECTION("at most max_records per call") {
        const auto result =
            store.Prune({.cutoff = t0 + 25, .transfer_exists = exists, .max_records = 2});
        CHECK(result.pruned == 2);
        CHECK(store.Prune({.cutoff = t0 + 25, .transfer_exists = exists}).pruned == 1);
        CHECK(store.Verify().ok);
    }

    SECTION("pruning does not remove an altered record, and Verify still names it") {
        Tamper(store, [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) {
            std::string text = Stored(store, 2);
            text.replace(text.find("bo@example.org"), 2, "eve");
            dbi.Put(txn, lmdb::EncodeU64(2), text);
        });
        const auto result = store.Prune({.cutoff = t0 + 1000, .transfer_exists = exists});
        CHECK(result.pruned == 1);
        const auto verified = store.Verify();
        CHECK_FALSE(verified.ok);
        REQUIRE(verified.first_bad_seq);
        CHECK(*verified.first_bad_seq == 2);
    }

    SECTION("records removed behind the anchor's back, or the anchor itself, are noticed") {
        store.Prune({.cutoff = t0 + 25, .transfer_exists = exists});
        SECTION("the next record deleted") {
            Tamper(store,
                   [&](lmdb::Txn& txn, const lmdb::Dbi& dbi) { dbi.Del(txn, lmdb::EncodeU64(4)); });
            const auto verified = store.Verify();
            CHECK_FALSE(verified.ok);
            CHECK(verified.first_bad_seq == std::optional<std::uint64_t>{4});
        }
        SECTION("the anchor deleted") {
            auto txn = lmdb::Txn::BeginWrite(store.env());
            lmdb::Dbi::Open(txn, kChainDatabase).Del(txn, kAnchorKey);
            txn.Commit();
            const auto verified = store.Verify();
            CHECK_FALSE(verified.ok);
            CHECK(verified.first_bad_seq == std::optional<std::uint64_t>{1});
        }
        SECTION("the anchor moved forward over a record") {
            auto txn = lmdb::Txn::BeginWrite(store.env());
            const nlohmann::json moved{{"seq", 4}, {"hash", store.Anchor()->hash}, {"time", t0}};
            lmdb::Dbi::Open(txn, kChainDatabase).Put(txn, kAnchorKey, moved.dump());
            txn.Commit();
            const auto verified = store.Verify();
            CHECK_FALSE(verified.ok);
            CHECK(verified.first_bad_seq == std::optional<std::uint64_t>{4});
        }
    }
}
