// An upload segment sealed in place must be byte for byte what sealing its
// chunks one by one into a separate buffer gives (the age STREAM chunks the
// blob holds), however its bytes arrived: read into the offered slot, copied
// in pieces that cross chunk slots, truncated, a final short chunk, an empty
// file; and its sealed bytes must lie as aligned as they will in the file.
#include "age/Chunk.hxx"
#include "age/FileKey.hxx"
#include "age/PayloadKey.hxx"
#include "store/SealSegment.hxx"
#include "store/SegmentPool.hxx"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using namespace sealpost;
using store::SealSegment;

namespace {

age::PayloadKey TestKey() {
    const age::FileKey file_key = age::FileKey::Random();
    const std::array<std::uint8_t, age::kPayloadNonceSize> nonce{7, 1, 2};
    return age::PayloadKey::Derive(file_key, nonce);
}

std::vector<std::uint8_t> RandomBytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(gen());
    return out;
}

/// The reference: each chunk sealed on its own into a fresh buffer.
std::vector<std::uint8_t> SealApart(const age::PayloadKey& key, std::uint64_t first,
                                    std::span<const std::uint8_t> plain, bool final) {
    std::vector<std::uint8_t> out;
    const std::size_t count =
        plain.empty() ? 1 : (plain.size() + age::kChunkSize - 1) / age::kChunkSize;
    for (std::size_t i = 0; i < count; ++i) {
        const auto piece = plain.subspan(
            i * age::kChunkSize, std::min(age::kChunkSize, plain.size() - i * age::kChunkSize));
        std::vector<std::uint8_t> sealed(piece.size() + age::kChunkTagSize);
        REQUIRE(age::SealChunk(key, first + i, final && i + 1 == count, piece, sealed) ==
                age::AgeErrc::ok);
        out.insert(out.end(), sealed.begin(), sealed.end());
    }
    return out;
}

} // namespace

TEST_CASE("seal segment: in place equals chunk by chunk, whatever the arrival") {
    const age::PayloadKey key = TestKey();
    store::SegmentBytes memory(SealSegment::kBufferSize);
    const auto plain = RandomBytes(SealSegment::kPlainCapacity, 1);

    for (const std::uint64_t blob_offset :
         {std::uint64_t{0}, std::uint64_t{181}, std::uint64_t{4095}, std::uint64_t{1} << 33}) {
        for (const std::size_t piece : {std::size_t{1000}, std::size_t{65536}, std::size_t{70000},
                                        SealSegment::kPlainCapacity}) {
            SealSegment segment(memory.span(), blob_offset);
            std::size_t at = 0;
            while (at < plain.size()) {
                const std::size_t n = std::min(piece, plain.size() - at);
                segment.Append(std::span(plain).subspan(at, n)); // copies across slots
                at += n;
            }
            REQUIRE(segment.full());
            CHECK(segment.Spare().empty());
            // The plaintext reads back in file order.
            std::vector<std::uint8_t> back;
            segment.ForEachPiece(segment.size(), [&](std::span<const std::uint8_t> bytes) {
                back.insert(back.end(), bytes.begin(), bytes.end());
            });
            CHECK(back == plain);

            const auto sealed = segment.Seal(key, 32, segment.size(), false);
            const auto expected = SealApart(key, 32, plain, false);
            REQUIRE(sealed.size() == expected.size());
            CHECK(std::equal(sealed.begin(), sealed.end(), expected.begin()));
            // Aligned in memory as in the file: whole blocks can go out with O_DIRECT.
            CHECK(reinterpret_cast<std::uintptr_t>(sealed.data()) % store::kDirectAlign ==
                  blob_offset % store::kDirectAlign);
        }
    }
}

TEST_CASE("seal segment: bytes read into the offered slot are not moved") {
    const age::PayloadKey key = TestKey();
    store::SegmentBytes memory(SealSegment::kBufferSize);
    const auto plain = RandomBytes(3 * age::kChunkSize + 500, 2);
    SealSegment segment(memory.span(), 12345);
    std::size_t at = 0;
    while (at < plain.size()) {
        // As a socket read does: at most the slot's free rest, then Append of
        // exactly those bytes where they lie.
        const std::span<std::uint8_t> spare = segment.Spare();
        REQUIRE(!spare.empty());
        CHECK(spare.size() <= age::kChunkSize);
        const std::size_t n = std::min({spare.size(), plain.size() - at, std::size_t{40000}});
        std::copy_n(plain.begin() + static_cast<std::ptrdiff_t>(at), n, spare.begin());
        segment.Append(spare.first(n));
        at += n;
    }
    CHECK(segment.size() == plain.size());
    const auto sealed = segment.Seal(key, 0, plain.size(), true); // final short chunk
    CHECK(std::vector<std::uint8_t>(sealed.begin(), sealed.end()) ==
          SealApart(key, 0, plain, true));
}

TEST_CASE("seal segment: truncated, partial keep, an empty final chunk, bad arguments") {
    const age::PayloadKey key = TestKey();
    store::SegmentBytes memory(SealSegment::kBufferSize);
    const auto plain = RandomBytes(5 * age::kChunkSize + 10, 3);

    SECTION("the last chunk held back: truncated to whole chunks") {
        SealSegment segment(memory.span(), 0);
        segment.Append(plain);
        segment.Truncate(4 * age::kChunkSize);
        CHECK(segment.size() == 4 * age::kChunkSize);
        const auto sealed = segment.Seal(key, 16, segment.size(), false);
        CHECK(std::vector<std::uint8_t>(sealed.begin(), sealed.end()) ==
              SealApart(key, 16, std::span(plain).first(4 * age::kChunkSize), false));
    }
    SECTION("a request that ends mid-chunk keeps only its whole chunks") {
        SealSegment segment(memory.span(), 100);
        segment.Append(plain);
        const auto sealed = segment.Seal(key, 0, 5 * age::kChunkSize, false);
        CHECK(sealed.size() == 5 * age::kSealedChunkSize);
        CHECK(std::vector<std::uint8_t>(sealed.begin(), sealed.end()) ==
              SealApart(key, 0, std::span(plain).first(5 * age::kChunkSize), false));
    }
    SECTION("an empty file is one empty final chunk: its tag alone") {
        SealSegment segment(memory.span(), 0);
        const auto sealed = segment.Seal(key, 0, 0, true);
        CHECK(sealed.size() == age::kChunkTagSize);
        CHECK(std::vector<std::uint8_t>(sealed.begin(), sealed.end()) ==
              SealApart(key, 0, {}, true));
    }
    SECTION("refused: a partial chunk that is not final, more than held, sealing twice") {
        SealSegment segment(memory.span(), 0);
        segment.Append(plain);
        CHECK_THROWS(segment.Seal(key, 0, 100, false));
        CHECK_THROWS(segment.Seal(key, 0, plain.size() + 1, true));
        segment.Seal(key, 0, plain.size(), true);
        CHECK_THROWS(segment.Seal(key, 0, plain.size(), true));
        CHECK(segment.Spare().empty()); // nothing more goes into a sealed segment
    }
}
