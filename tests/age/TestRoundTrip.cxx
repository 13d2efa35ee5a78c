// Round trips through the blocking writer and reader, and through the chunk API
// the storage layer uses (random access, several threads).
#include "AgeTestSupport.hxx"
#include "TestSupport.hxx"

#include "age/BlobLayout.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"

#include <catch2/catch.hpp>

#include <thread>

using namespace sealpost;

TEST_CASE("age files round-trip at chunk-boundary sizes", "[age]") {
    const auto identity = age::AgeIdentity::Generate();
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{65535}, std::size_t{65536},
          std::size_t{65537}, std::size_t{3 * 65536}, std::size_t{5 * 1024 * 1024 + 12345}}) {
        INFO("size " << size);
        const auto plain = test::RandomData(size);
        const auto blob = test::EncryptBytes(identity.Recipient(), plain);

        // The size follows from the layout, and the layout from the size.
        age::OpenedBlob opened;
        REQUIRE(age::OpenBlobStart(blob, identity, opened) == age::AgeErrc::ok);
        const auto layout = age::BlobLayout::FromBlobSize(opened.chunks_offset, blob.size());
        REQUIRE(layout);
        CHECK(layout->PlainSize() == size);

        const auto outcome = test::DecryptBytes(identity, blob);
        CHECK_FALSE(outcome.error);
        CHECK(test::Difference(outcome.plain, plain) == "");
    }
}

TEST_CASE("the writer accepts any split of its input", "[age]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto plain = test::RandomData(3 * 65536 + 1);
    for (const std::size_t piece : {std::size_t{1000}, std::size_t{65536}, std::size_t{65537}}) {
        const auto outcome =
            test::DecryptBytes(identity, test::EncryptBytes(identity.Recipient(), plain, piece));
        CHECK_FALSE(outcome.error);
        CHECK(test::Difference(outcome.plain, plain) == "");
    }
}

TEST_CASE("chunks sealed and opened on several threads, in any order", "[age][chunk]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto start = age::StartBlob(identity.Recipient());
    const std::uint64_t plain_size = 10 * 65536 + 999;
    const auto plain = test::RandomData(plain_size);
    const age::BlobLayout layout{start.ChunksOffset(), plain_size};

    std::vector<std::uint8_t> blob(layout.BlobSize());
    std::copy(start.prefix.begin(), start.prefix.end(), blob.begin());
    const auto seal_range = [&](std::uint64_t first, std::uint64_t step) {
        for (std::uint64_t i = first; i < layout.ChunkCount(); i += step) {
            const auto in = std::span{plain}.subspan(i * age::kChunkSize, layout.ChunkPlainSize(i));
            const auto out =
                std::span{blob}.subspan(layout.ChunkOffset(i), layout.ChunkSealedSize(i));
            REQUIRE(age::SealChunk(start.payload_key, i, layout.IsLast(i), in, out) ==
                    age::AgeErrc::ok);
        }
    };
    { std::jthread a{seal_range, 0, 3}, b{seal_range, 1, 3}, c{seal_range, 2, 3}; }
    // The blob is a normal age file.
    const auto outcome = test::DecryptBytes(identity, blob);
    CHECK_FALSE(outcome.error);
    CHECK(test::Difference(outcome.plain, plain) == "");

    // Random access: open chunk 7 alone, as a Range request would.
    age::OpenedBlob opened;
    REQUIRE(age::OpenBlobStart(std::span{blob}.first(start.prefix.size()), identity, opened) ==
            age::AgeErrc::ok);
    const auto position = age::BlobLayout::Locate(7 * 65536 + 5);
    std::vector<std::uint8_t> chunk(layout.ChunkPlainSize(position.index));
    std::thread reader{[&] {
        CHECK(age::OpenChunk(*opened.payload_key, position.index, layout.IsLast(position.index),
                             std::span{blob}.subspan(layout.ChunkOffset(position.index),
                                                     layout.ChunkSealedSize(position.index)),
                             chunk) == age::AgeErrc::ok);
    }};
    reader.join();
    CHECK(std::equal(chunk.begin(), chunk.end(), plain.begin() + 7 * 65536));

    // The final chunk carries the final flag; opened as non-final it fails.
    const std::uint64_t last = layout.ChunkCount() - 1;
    std::vector<std::uint8_t> tail(layout.ChunkPlainSize(last));
    const auto sealed_tail = std::span{blob}.subspan(layout.ChunkOffset(last));
    CHECK(age::OpenChunk(*opened.payload_key, last, true, sealed_tail, tail) == age::AgeErrc::ok);
    CHECK(age::OpenChunk(*opened.payload_key, last, false, sealed_tail, tail) ==
          age::AgeErrc::bad_size);
}

TEST_CASE("SealChunk refuses sizes that break the STREAM rules", "[age][chunk]") {
    const auto identity = age::AgeIdentity::Generate();
    const auto start = age::StartBlob(identity.Recipient());
    std::vector<std::uint8_t> plain(age::kChunkSize + 1), out(age::kChunkSize + 17);
    const auto& key = start.payload_key;
    // A non-final chunk must be full.
    CHECK(age::SealChunk(key, 0, false, std::span{plain}.first(100), std::span{out}.first(116)) ==
          age::AgeErrc::invalid_argument);
    // No chunk holds more than 64 KiB.
    CHECK(age::SealChunk(key, 0, true, plain, out) == age::AgeErrc::invalid_argument);
    // An empty final chunk only as chunk 0.
    CHECK(age::SealChunk(key, 1, true, {}, std::span{out}.first(16)) ==
          age::AgeErrc::invalid_argument);
    CHECK(age::SealChunk(key, 0, true, {}, std::span{out}.first(16)) == age::AgeErrc::ok);
    // The output must be exactly 16 bytes longer.
    CHECK(age::SealChunk(key, 0, true, std::span{plain}.first(10), std::span{out}.first(20)) ==
          age::AgeErrc::invalid_argument);
}
