// Blob writes past the page cache (FileIo's OpenDirect and WriteAtDirect), as
// the upload pipeline makes them: sealed segments at unaligned blob offsets,
// each laid out in an aligned buffer as it lies in the file, written by
// several threads at once and in any order, neighbours sharing the partial
// block between them. Invariant: whatever the order and the concurrency, the
// file holds exactly the bytes written, and the whole blocks went through
// O_DIRECT wherever the file system takes it.
#include "store/FileIo.hxx"
#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

using namespace sealpost;
using namespace sealpost::test;

namespace {

std::vector<std::uint8_t> RandomBytes(std::size_t size, std::uint32_t seed) {
    std::mt19937 random(seed);
    std::vector<std::uint8_t> bytes(size);
    for (auto& b : bytes)
        b = static_cast<std::uint8_t>(random());
    return bytes;
}

/// An aligned buffer holding `data` at the skew its file offset has.
struct Laid {
    store::DirectMemory memory;
    std::span<const std::uint8_t> span;
};

Laid LayOut(std::span<const std::uint8_t> data, std::uint64_t offset, std::size_t extra_skew = 0) {
    const std::size_t skew = static_cast<std::size_t>(offset % store::kDirectAlign) + extra_skew;
    Laid laid;
    laid.memory = store::AllocateDirectMemory(skew + data.size() + 1);
    std::copy(data.begin(), data.end(), laid.memory.get() + skew);
    laid.span = {laid.memory.get() + skew, data.size()};
    return laid;
}

std::vector<std::uint8_t> ReadAll(int fd) {
    std::vector<std::uint8_t> bytes(store::FileSize(fd));
    REQUIRE(store::ReadAt(fd, bytes, 0) == bytes.size());
    return bytes;
}

} // namespace

TEST_CASE("O_DIRECT segment writes: any order, several threads, shared partial blocks") {
    TempDir dir;
    store::UniqueFd fd(
        ::open((dir / "blob.part").c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    REQUIRE(fd);
    store::UniqueFd direct = store::OpenDirect(fd.get());
    // The temporary folder is on a disk file system here (ext4); tmpfs before
    // Linux 6.6 refuses O_DIRECT and the writes go through the page cache.
    INFO("O_DIRECT available: " << bool(direct));

    // An age header of an odd length, then segments of 8 sealed chunks
    // (8 * 65552 bytes) and a short final one, as the upload pipeline writes.
    constexpr std::size_t kHeader = 213;
    constexpr std::size_t kSegment = 8 * 65552;
    const std::vector<std::size_t> sizes = {
        kSegment, kSegment, kSegment, kSegment, kSegment, kSegment, 3000,
    };
    const std::size_t total = kHeader + std::accumulate(sizes.begin(), sizes.end(), std::size_t{0});
    const auto expected = RandomBytes(total, 7);

    struct Piece {
        std::uint64_t offset;
        std::size_t size;
    };
    std::vector<Piece> pieces;
    std::uint64_t at = kHeader;
    for (const std::size_t size : sizes) {
        pieces.push_back({at, size});
        at += size;
    }
    std::mt19937 random(11);
    std::shuffle(pieces.begin(), pieces.end(), random);

    std::atomic<std::size_t> next{0};
    std::atomic<int> direct_writes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (std::size_t i; (i = next.fetch_add(1)) < pieces.size();) {
                const Piece piece = pieces[i];
                const Laid laid =
                    LayOut(std::span(expected).subspan(piece.offset, piece.size), piece.offset);
                if (store::WriteAtDirect(direct.get(), fd.get(), laid.span, piece.offset))
                    ++direct_writes;
            }
        });
    for (auto& thread : threads)
        thread.join();
    // The header last, through the page cache.
    store::WriteAt(fd.get(), std::span(expected).first(kHeader), 0);
    store::DataSync(fd.get());

    CHECK(ReadAll(fd.get()) == expected);
    if (direct) // every full segment spans whole blocks; the 3000-byte tail does not
        CHECK(direct_writes == 6);
    else
        CHECK(direct_writes == 0);
}

TEST_CASE("O_DIRECT segment writes fall back to the page cache") {
    TempDir dir;
    store::UniqueFd fd(
        ::open((dir / "blob.part").c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    REQUIRE(fd);
    store::UniqueFd direct = store::OpenDirect(fd.get());
    const auto expected = RandomBytes(3 * 65552 + 100, 3);

    SECTION("without an O_DIRECT descriptor") {
        const Laid laid = LayOut(expected, 0);
        CHECK_FALSE(store::WriteAtDirect(-1, fd.get(), laid.span, 0));
    }
    SECTION("memory not laid out as the file (a misaligned buffer)") {
        const Laid laid = LayOut(expected, 0, 1);
        CHECK_FALSE(store::WriteAtDirect(direct.get(), fd.get(), laid.span, 0));
    }
    SECTION("a range inside one block") {
        const auto small = std::span(expected).first(4000);
        const Laid laid = LayOut(small, 50);
        CHECK_FALSE(store::WriteAtDirect(direct.get(), fd.get(), laid.span, 50));
        std::vector<std::uint8_t> want(50 + small.size(), 0);
        std::copy(small.begin(), small.end(), want.begin() + 50);
        CHECK(ReadAll(fd.get()) == want);
        return;
    }
    CHECK(ReadAll(fd.get()) == expected);
}
