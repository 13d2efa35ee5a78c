// BlobLayout arithmetic: chunk offsets, sizes, and impossible blob sizes.
#include "age/BlobLayout.hxx"

#include <catch2/catch.hpp>

using namespace sealpost::age;

TEST_CASE("BlobLayout maps sizes and offsets", "[age][layout]") {
    constexpr std::uint64_t kOffset = 200; // header 184 + nonce 16
    struct Case {
        std::uint64_t plain, chunks, blob;
    };
    for (const auto& c : {
             Case{0, 1, kOffset + 16},
             Case{1, 1, kOffset + 17},
             Case{65535, 1, kOffset + 65551},
             Case{65536, 1, kOffset + 65552},
             Case{65537, 2, kOffset + 65552 + 17},
             Case{3 * 65536, 3, kOffset + 3 * 65552},
         }) {
        INFO(c.plain);
        const BlobLayout layout{kOffset, c.plain};
        CHECK(layout.ChunkCount() == c.chunks);
        CHECK(layout.BlobSize() == c.blob);
        CHECK(layout.HeaderSize() == kOffset - 16);
        const auto back = BlobLayout::FromBlobSize(kOffset, c.blob);
        REQUIRE(back);
        CHECK(back->PlainSize() == c.plain);
        std::uint64_t total = 0;
        for (std::uint64_t i = 0; i < layout.ChunkCount(); ++i) {
            CHECK(layout.ChunkOffset(i) == kOffset + i * 65552);
            total += layout.ChunkPlainSize(i);
            CHECK(layout.IsLast(i) == (i + 1 == layout.ChunkCount()));
        }
        CHECK(total == c.plain);
    }
}

TEST_CASE("BlobLayout rejects sizes no age file can have", "[age][layout]") {
    constexpr std::uint64_t kOffset = 200;
    CHECK_FALSE(BlobLayout::FromBlobSize(kOffset, kOffset - 1));  // cut into the nonce
    CHECK_FALSE(BlobLayout::FromBlobSize(kOffset, kOffset));      // no chunk at all
    CHECK_FALSE(BlobLayout::FromBlobSize(kOffset, kOffset + 15)); // chunk shorter than a tag
    // An empty final chunk after a full one.
    CHECK_FALSE(BlobLayout::FromBlobSize(kOffset, kOffset + 65552 + 16));
    // A final chunk of 1..15 sealed bytes.
    CHECK_FALSE(BlobLayout::FromBlobSize(kOffset, kOffset + 65552 + 5));
    CHECK_FALSE(BlobLayout::FromBlobSize(10, 100)); // offset smaller than the nonce
}

TEST_CASE("BlobLayout locates plaintext offsets for Range requests", "[age][layout]") {
    CHECK(BlobLayout::Locate(0) == ChunkPosition{0, 0});
    CHECK(BlobLayout::Locate(65535) == ChunkPosition{0, 65535});
    CHECK(BlobLayout::Locate(65536) == ChunkPosition{1, 0});
    CHECK(BlobLayout::Locate(5 * 65536 + 7) == ChunkPosition{5, 7});
}
