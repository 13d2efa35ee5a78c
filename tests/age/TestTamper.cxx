// Every way of damaging a blob ends in an error, and never in plaintext that was
// not authenticated.
#include "AgeTestSupport.hxx"
#include "TestSupport.hxx"

#include "age/BlobLayout.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sealpost;

namespace {

constexpr std::size_t kPlainSize = 2 * 65536 + 100; // three chunks, the last one short

struct Fixture {
    age::AgeIdentity identity = age::AgeIdentity::Generate();
    std::vector<std::uint8_t> plain = test::RandomData(kPlainSize);
    std::vector<std::uint8_t> blob = test::EncryptBytes(identity.Recipient(), plain);
    std::uint64_t chunks_offset = 0;

    Fixture() {
        age::OpenedBlob opened;
        REQUIRE(age::OpenBlobStart(blob, identity, opened) == age::AgeErrc::ok);
        chunks_offset = opened.chunks_offset;
    }

    std::size_t HeaderSize() const { return chunks_offset - age::kPayloadNonceSize; }
    std::size_t ChunkStart(std::size_t index) const {
        return chunks_offset + index * age::kSealedChunkSize;
    }

    /// Decrypting `damaged` must fail, returning no byte of chunk `first_bad`
    /// or later (earlier, verified chunks may have been returned).
    void ExpectRejected(const std::vector<std::uint8_t>& damaged, std::size_t first_bad = 0) const {
        const auto outcome = test::DecryptBytes(identity, damaged);
        CHECK(outcome.error.has_value());
        CHECK(outcome.plain.size() <= first_bad * age::kChunkSize);
        CHECK(std::equal(outcome.plain.begin(), outcome.plain.end(), plain.begin()));
    }
};

std::vector<std::uint8_t> Concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

} // namespace

TEST_CASE("the undamaged fixture decrypts", "[age][tamper]") {
    const Fixture f;
    const auto outcome = test::DecryptBytes(f.identity, f.blob);
    CHECK_FALSE(outcome.error);
    CHECK(test::Difference(outcome.plain, f.plain) == "");
}

TEST_CASE("truncation is detected", "[age][tamper]") {
    const Fixture f;
    const std::span<const std::uint8_t> blob{f.blob};
    SECTION("missing final chunk") {
        f.ExpectRejected(Concat({blob.first(f.ChunkStart(2))}), 2);
        const auto outcome = test::DecryptBytes(f.identity, blob.first(f.ChunkStart(2)));
        CHECK(outcome.error == age::AgeErrc::truncated);
    }
    SECTION("final chunk cut short") {
        f.ExpectRejected(Concat({blob.first(blob.size() - 1)}), 2);
        f.ExpectRejected(Concat({blob.first(f.ChunkStart(2) + 10)}), 2);
    }
    SECTION("middle chunk cut short") {
        f.ExpectRejected(Concat({blob.first(f.ChunkStart(1) + 500)}), 1);
    }
    SECTION("no chunks, no nonce, partial header, nothing") {
        f.ExpectRejected(Concat({blob.first(f.chunks_offset)}));
        f.ExpectRejected(Concat({blob.first(f.HeaderSize())}));
        f.ExpectRejected(Concat({blob.first(f.HeaderSize() - 1)}));
        f.ExpectRejected(Concat({blob.first(30)}));
        f.ExpectRejected({});
    }
}

TEST_CASE("reordered chunks are detected", "[age][tamper]") {
    const Fixture f;
    const std::span<const std::uint8_t> blob{f.blob};
    const auto chunk0 = blob.subspan(f.ChunkStart(0), age::kSealedChunkSize);
    const auto chunk1 = blob.subspan(f.ChunkStart(1), age::kSealedChunkSize);
    const auto chunk2 = blob.subspan(f.ChunkStart(2));
    const auto head = blob.first(f.chunks_offset);
    f.ExpectRejected(Concat({head, chunk1, chunk0, chunk2}));
    f.ExpectRejected(Concat({head, chunk0, chunk0, chunk2}), 1);
    f.ExpectRejected(Concat({head, chunk0, chunk2}), 1); // chunk 1 dropped
}

TEST_CASE("wrong final flags and trailing data are detected", "[age][tamper]") {
    const Fixture f;
    const std::span<const std::uint8_t> blob{f.blob};
    SECTION("trailing data") {
        f.ExpectRejected(Concat({blob, std::vector<std::uint8_t>{0}}), 2);
        f.ExpectRejected(Concat({blob, test::RandomData(1000)}), 2);
        // A copy of the final chunk after the final chunk.
        f.ExpectRejected(Concat({blob, blob.subspan(f.ChunkStart(2))}), 2);
    }
    SECTION("final flag on a non-final chunk, and a full final chunk with trailing data") {
        const auto identity = age::AgeIdentity::Generate();
        const auto start = age::StartBlob(identity.Recipient());
        const auto plain = test::RandomData(2 * age::kChunkSize);
        std::vector<std::uint8_t> chunk0(age::kSealedChunkSize), chunk1(age::kSealedChunkSize);
        REQUIRE(age::SealChunk(start.payload_key, 0, true, std::span{plain}.first(age::kChunkSize),
                               chunk0) == age::AgeErrc::ok);
        REQUIRE(age::SealChunk(start.payload_key, 1, true,
                               std::span{plain}.subspan(age::kChunkSize),
                               chunk1) == age::AgeErrc::ok);
        const std::span<const std::uint8_t> prefix{
            reinterpret_cast<const std::uint8_t*>(start.prefix.data()), start.prefix.size()};
        // Chunk 0 alone is a valid one-chunk file...
        const auto alone = test::DecryptBytes(identity, Concat({prefix, chunk0}));
        CHECK_FALSE(alone.error);
        CHECK(alone.plain.size() == age::kChunkSize);
        // ...but followed by another chunk, its final flag makes the file invalid.
        const auto both = test::DecryptBytes(identity, Concat({prefix, chunk0, chunk1}));
        CHECK(both.error == age::AgeErrc::trailing_data);
        CHECK(both.plain.empty());
    }
    SECTION("final chunk without the final flag") {
        const auto identity = age::AgeIdentity::Generate();
        const auto start = age::StartBlob(identity.Recipient());
        const auto plain = test::RandomData(age::kChunkSize);
        std::vector<std::uint8_t> chunk0(age::kSealedChunkSize);
        REQUIRE(age::SealChunk(start.payload_key, 0, false, plain, chunk0) == age::AgeErrc::ok);
        const std::span<const std::uint8_t> prefix{
            reinterpret_cast<const std::uint8_t*>(start.prefix.data()), start.prefix.size()};
        const auto outcome = test::DecryptBytes(identity, Concat({prefix, chunk0}));
        CHECK(outcome.error == age::AgeErrc::truncated);
        CHECK(outcome.plain.empty());
    }
}

TEST_CASE("a flipped bit anywhere is detected", "[age][tamper]") {
    const Fixture f;
    SECTION("every bit of the header") {
        for (std::size_t i = 0; i < f.HeaderSize(); ++i)
            for (int bit = 0; bit < 8; ++bit) {
                auto damaged = f.blob;
                damaged[i] ^= static_cast<std::uint8_t>(1 << bit);
                age::OpenedBlob opened;
                const auto result = age::OpenBlobStart(damaged, f.identity, opened);
                INFO("byte " << i << " bit " << bit);
                CHECK(result != age::AgeErrc::ok);
                CHECK_FALSE(opened.payload_key);
            }
        // And through the reader, for a sample of positions.
        for (std::size_t i = 0; i < f.HeaderSize(); i += 13) {
            auto damaged = f.blob;
            damaged[i] ^= 0x04;
            f.ExpectRejected(damaged);
        }
    }
    SECTION("the payload nonce") {
        for (std::size_t i = f.HeaderSize(); i < f.chunks_offset; ++i) {
            auto damaged = f.blob;
            damaged[i] ^= 0x80;
            f.ExpectRejected(damaged);
        }
    }
    SECTION("each chunk: first byte, middle, last ciphertext byte, tag") {
        for (std::size_t chunk = 0; chunk < 3; ++chunk) {
            const std::size_t start = f.ChunkStart(chunk);
            const std::size_t end = chunk == 2 ? f.blob.size() : f.ChunkStart(chunk + 1);
            for (const std::size_t at : {start, (start + end) / 2, end - 17, end - 16, end - 1}) {
                INFO("chunk " << chunk << " offset " << at);
                auto damaged = f.blob;
                damaged[at] ^= 0x01;
                f.ExpectRejected(damaged, chunk);
            }
        }
    }
}

TEST_CASE("OpenChunk returns an error and zeroes its output on damage", "[age][tamper]") {
    const Fixture f;
    age::OpenedBlob opened;
    REQUIRE(age::OpenBlobStart(f.blob, f.identity, opened) == age::AgeErrc::ok);
    const auto layout = age::BlobLayout::FromBlobSize(opened.chunks_offset, f.blob.size());
    REQUIRE(layout);
    auto damaged = f.blob;
    damaged[layout->ChunkOffset(1) + 1234] ^= 0x20;
    std::vector<std::uint8_t> out(layout->ChunkPlainSize(1), 0xaa);
    const auto sealed =
        std::span{damaged}.subspan(layout->ChunkOffset(1), layout->ChunkSealedSize(1));
    CHECK(age::OpenChunk(*opened.payload_key, 1, false, sealed, out) == age::AgeErrc::bad_chunk);
    CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
    // The undamaged chunk under another index (reordering) fails the same way.
    const auto chunk0 =
        std::span{f.blob}.subspan(layout->ChunkOffset(0), layout->ChunkSealedSize(0));
    CHECK(age::OpenChunk(*opened.payload_key, 1, false, chunk0, out) == age::AgeErrc::bad_chunk);
    CHECK(age::OpenChunk(*opened.payload_key, 0, false, chunk0, out) == age::AgeErrc::ok);
}

TEST_CASE("unknown versions, other identities and replaced MACs are rejected", "[age][tamper]") {
    const Fixture f;
    auto v2 = f.blob;
    v2[20] = '2'; // "age-encryption.org/v1" -> ".../v2"
    CHECK(test::DecryptBytes(f.identity, v2).error == age::AgeErrc::unsupported_version);

    const auto other = test::DecryptBytes(age::AgeIdentity::Generate(), f.blob);
    CHECK(other.error == age::AgeErrc::no_matching_stanza);
    CHECK(other.plain.empty());

    // The MAC of another blob with the same structure.
    const auto other_blob = test::EncryptBytes(f.identity.Recipient(), f.plain);
    auto swapped = f.blob;
    std::copy(other_blob.begin() + static_cast<std::ptrdiff_t>(f.HeaderSize()) - 44,
              other_blob.begin() + static_cast<std::ptrdiff_t>(f.HeaderSize()) - 1,
              swapped.begin() + static_cast<std::ptrdiff_t>(f.HeaderSize()) - 44);
    REQUIRE(test::Difference(swapped, f.blob) != "");
    const auto outcome = test::DecryptBytes(f.identity, swapped);
    CHECK(outcome.error == age::AgeErrc::bad_header_mac);
    CHECK(outcome.plain.empty());
}
