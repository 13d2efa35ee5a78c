// The memory of request bodies is a bounded pool: the pool's own rules, and a
// burst of parallel uploads through the real server with a pool far smaller
// than the burst, which must all complete intact while the pool never hands
// out more buffers than it has (backpressure instead of growth).
#include "store/SegmentPool.hxx"
#include "support/AppFixture.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

using namespace sealpost;
using namespace sealpost::test;

TEST_CASE("segment pool: bounded, first come first served, cancel, overdraw") {
    auto pool = std::make_shared<store::SegmentPool>(1024, 2);
    auto a = pool->TryAcquire();
    auto b = pool->TryAcquire();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a.bytes().capacity() >= 1024);
    // Aligned so that an O_DIRECT write can come from it.
    CHECK(reinterpret_cast<std::uintptr_t>(a.bytes().data()) % store::kDirectAlign == 0);
    CHECK_FALSE(pool->TryAcquire());
    CHECK(pool->outstanding() == 2);

    std::vector<int> served;
    store::SegmentPool::Buffer held;
    pool->Wait([&](store::SegmentPool::Buffer buffer) {
        served.push_back(1);
        held = std::move(buffer);
    });
    const auto cancelled = pool->Wait([&](store::SegmentPool::Buffer) { served.push_back(2); });
    pool->Wait([&](store::SegmentPool::Buffer) { served.push_back(3); });
    pool->Cancel(cancelled);
    // While somebody waits, nobody jumps the line.
    a.Reset();
    CHECK(served == std::vector<int>{1});
    CHECK(pool->outstanding() == 2);
    CHECK_FALSE(pool->TryAcquire());
    // Waiter 3 takes the buffer and lets it go at once.
    b.Reset();
    CHECK(served == std::vector<int>{1, 3});
    CHECK(pool->outstanding() == 1);

    // Overdrawing goes beyond the capacity; the extra buffer is freed on return.
    auto c = pool->TryAcquire();
    REQUIRE(c);
    auto d = pool->Overdraw();
    REQUIRE(d);
    CHECK(pool->outstanding() == 3);
    CHECK(pool->peak() == 3);
    d.Reset();
    c.Reset();
    held.Reset();
    CHECK(pool->outstanding() == 0);
}

TEST_CASE("a burst of 24 PUTs and 8 tus PATCHes in parallel through a 2-buffer pool: all intact, "
          "pool never "
          "exceeded") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.config.limits.upload_memory = 1 << 20; // the minimum: two segment buffers
    app.Start();
    const std::string kPassword = "Correct-Horse-Battery-92";
    const auto t = app.CreateTransfer(kPassword);
    constexpr int kUploads = 24;
    std::vector<std::filesystem::path> sources;
    for (int i = 0; i < kUploads; ++i) {
        sources.push_back(dir.path / ("in-" + std::to_string(i)));
        // Sizes around segment and chunk boundaries, up to three segments.
        MakeFile(sources.back(), 300000 + static_cast<std::uint64_t>(i) * 55555, 100 + i);
    }
    std::vector<std::string> replies(kUploads);
    std::vector<std::thread> clients;
    for (int i = 0; i < kUploads; ++i)
        clients.emplace_back([&, i] {
            replies[i] = Shell("curl -sS " + SenderAuth() + " -T '" + sources[i].string() +
                               "' -H 'Expect:' '" + app.Url() + "/api/v1/transfers/" + t.id +
                               "/files/f" + std::to_string(i) + "'");
        });
    // tus PATCHes of files created before: their sessions are loaded, so the
    // body is claimed while the head is parsed.
    std::vector<std::string> locations;
    for (int i = 0; i < 8; ++i) {
        const std::string out = Shell("curl -sS -i " + SenderAuth() +
                                      " -X POST -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: " +
                                      std::to_string(std::filesystem::file_size(sources[i])) +
                                      "' '" + app.Url() + "/api/v1/transfers/" + t.id + "/files'");
        const auto at = out.find("Location: ");
        REQUIRE(at != std::string::npos);
        locations.push_back(out.substr(at + 10, out.find("\r\n", at) - at - 10));
    }
    std::vector<std::string> patched(locations.size());
    for (std::size_t i = 0; i < locations.size(); ++i)
        clients.emplace_back([&, i] {
            patched[i] = Shell("curl -sS -o /dev/null -w '%{http_code}' " + SenderAuth() +
                               " -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: "
                               "application/offset+octet-stream' -H 'Upload-Offset: 0' "
                               "-H 'Expect:' --data-binary @'" +
                               sources[i].string() + "' '" + app.Url() + locations[i] + "'");
        });
    for (auto& c : clients)
        c.join();
    for (std::size_t i = 0; i < locations.size(); ++i) {
        INFO("PATCH " << i);
        CHECK(patched[i] == "204");
        const std::string file_id = locations[i].substr(locations[i].rfind('/') + 1);
        CHECK(app.Sha256Of(t, file_id, kPassword) == Sha256Hex(sources[i]));
    }
    // Invariant: every upload completes with exactly its bytes, however long
    // it had to wait for a buffer.
    for (int i = 0; i < kUploads; ++i) {
        INFO("upload " << i << ": " << replies[i]);
        const auto reply = nlohmann::json::parse(replies[i], nullptr, false);
        REQUIRE(reply.is_object());
        CHECK(reply.value("sha256", "") == Sha256Hex(sources[i]));
        CHECK(reply.value("size", 0ull) == std::filesystem::file_size(sources[i]));
    }
    // Invariant: with Content-Length bodies the connections read only what
    // the pool can hold, so it is never overdrawn; everything went back.
    std::size_t peak = 0, outstanding = 1, capacity = 0;
    app.RunOnLoop([&] {
        peak = app.storage().upload_buffers().peak();
        outstanding = app.storage().upload_buffers().outstanding();
        capacity = app.storage().upload_buffers().capacity();
    });
    CHECK(capacity == 2);
    CHECK(peak == 2);
    CHECK(outstanding == 0);
    CHECK(app.Stop() == 0);
}
