// The loop-thread AuditLog: Append() returns at once, events are stored in order in
// batches on the threadpool, Stop() calls back only when nothing is pending, and the
// loop closes with no handle left.
#include "audit/AuditLog.hxx"
#include "audit/AuditStore.hxx"
#include "lib/uv/Loop.hxx"

#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <chrono>

using namespace sealpost;
using namespace sealpost::audit;

TEST_CASE("appended events are stored in order, batched, and flushed by Stop", "[audit]") {
    test::TempDir dir;
    uv::Loop loop;
    std::vector<std::size_t> batches;
    bool stopped = false;
    {
        AuditLog log(loop.get(), dir.Path() / "audit");
        log.SetStoredHook([&](std::size_t n) { batches.push_back(n); });
        for (int i = 0; i < 1000; ++i)
            log.Append({"file_downloaded",
                        "T" + std::to_string(i),
                        "r@example.org",
                        "192.0.2.1",
                        "test",
                        {{"i", i}}});
        CHECK(log.Pending() == 1000);
        CHECK_THROWS_AS(log.Append({"not_an_event", "", "", "", "", {}}), std::invalid_argument);
        log.Stop([&] {
            stopped = true;
            CHECK(log.Pending() == 0);
        });
        loop.Run();
        CHECK(stopped);

        // Fewer writes than events: whatever queued up behind a write went together.
        std::size_t total = 0;
        for (std::size_t n : batches)
            total += n;
        CHECK(total == 1000);
        CHECK(batches.size() < 1000);

        AuditQuery query;
        query.limit = 0;
        const auto page = log.store().Query(query);
        REQUIRE(page.events.size() == 1000);
        for (std::size_t i = 0; i < 1000; ++i) {
            // Newest first: seq 1000 holds the last event appended.
            const auto& record = page.events[999 - i];
            CHECK(record.seq == i + 1);
            CHECK(record.event.transfer_id == "T" + std::to_string(i));
        }
        CHECK(log.store().Verify().ok);
    }
    CHECK(loop.Close() == 0);
}

TEST_CASE("Stop with nothing pending calls back at once; events survive a restart", "[audit]") {
    test::TempDir dir;
    {
        uv::Loop loop;
        {
            AuditLog log(loop.get(), dir.Path());
            bool stopped = false;
            log.Stop([&] { stopped = true; });
            CHECK(stopped);
            log.Append({"admin_login", "", "", "127.0.0.1", "", {{"username", "root"}}});
            log.Stop([&] { stopped = true; });
            loop.Run();
        }
        CHECK(loop.Close() == 0);
    }
    uv::Loop loop;
    {
        AuditLog log(loop.get(), dir.Path());
        const auto result = log.store().Verify();
        CHECK(result.ok);
        CHECK(result.events == 1);
        log.Append({"admin_login_failed", "", "", "127.0.0.1", "", {}});
        log.Stop({});
        loop.Run();
        CHECK(log.store().Verify().events == 2);
    }
    CHECK(loop.Close() == 0);
}

TEST_CASE("retention prunes on the threadpool at start; Stop waits for it", "[audit][retention]") {
    test::TempDir dir;
    uv::Loop loop;
    {
        AuditLog log(loop.get(), dir.Path());
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        const auto old = [&](std::string event, std::string transfer, std::int64_t days_ago) {
            return TimedEvent{{std::move(event), std::move(transfer), "", "192.0.2.1", "", {}},
                              now - days_ago * 86400};
        };
        // Three days old: a sign-in and a gone transfer's trail; then one still there.
        log.store().Append(std::vector{old("admin_login", "", 3), old("transfer_created", "A", 3),
                                       old("transfer_expired", "A", 3),
                                       old("transfer_created", "B", 3), old("admin_login", "", 0)});
        std::vector<std::uint64_t> passes;
        log.SetPrunedHook([&](std::uint64_t n) {
            passes.push_back(n);
            log.Stop({});
        });
        log.StartRetention(2 * 86400, [](std::string_view id) { return id == "B"; });
        loop.Run();
        CHECK(passes == std::vector<std::uint64_t>{3});
        const auto verified = log.store().Verify();
        CHECK(verified.ok);
        CHECK(verified.first_seq == 4);
        CHECK(verified.events == 2);
    }
    CHECK(loop.Close() == 0);
}

TEST_CASE("WhenStored calls back only once the events appended before it are on disk",
          "[audit][durable]") {
    // Invariant: an answer that waits on WhenStored() is never released while one of
    // the events appended before the wait is still only in memory.
    test::TempDir dir;
    uv::Loop loop;
    {
        AuditLog log(loop.get(), dir.Path() / "audit");
        bool at_once = false;
        log.WhenStored([&](bool stored) { at_once = stored; });
        CHECK(at_once); // nothing pending

        std::vector<std::pair<std::uint64_t, bool>> seen; // (head seq when called, stored)
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 50; ++i)
                log.Append({"password_failed", "T", "", "192.0.2.1", "test", {{"i", i}}});
            const auto expected = static_cast<std::uint64_t>((round + 1) * 50);
            log.WhenStored([&, expected](bool stored) {
                // Read back in a new read transaction: the records are committed.
                seen.emplace_back(log.store().Head().seq >= expected ? expected : 0, stored);
            });
        }
        bool stopped = false;
        log.Stop([&] { stopped = true; });
        loop.Run();
        CHECK(stopped);
        REQUIRE(seen.size() == 3);
        for (std::size_t i = 0; i < seen.size(); ++i) {
            CHECK(seen[i].first == (i + 1) * 50);
            CHECK(seen[i].second);
        }
    }
    CHECK(loop.Close() == 0);
}
