#include "ZipTestSupport.hxx"

#include "zip/Crc32.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;

namespace {

std::span<const std::uint8_t> Bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace

TEST_CASE("CRC-32 matches the standard check value") {
    CHECK(Crc32::Of(Bytes("123456789")) == 0xCBF43926);
    CHECK(Crc32::Of({}) == 0);
    CHECK(Crc32{}.Value() == 0);
    CHECK(Crc32::Of(Bytes("The quick brown fox jumps over the lazy dog")) == 0x414FA339);
}

TEST_CASE("CRC-32 fed in chunks equals the one-shot value") {
    const std::string data = test::RandomBytes(100000, 1);
    const std::uint32_t whole = Crc32::Of(Bytes(data));
    for (std::size_t chunk : {1u, 7u, 4096u, 65536u}) {
        Crc32 crc;
        for (std::size_t pos = 0; pos < data.size(); pos += chunk)
            crc.Update(std::string_view{data}.substr(pos, chunk));
        CHECK(crc.Value() == whole);
    }
}

TEST_CASE("CRC-32 Combine joins the CRCs of consecutive pieces") {
    const std::string data = test::RandomBytes(50000, 2);
    const std::uint32_t whole = Crc32::Of(Bytes(data));
    for (std::size_t split : {0u, 1u, 999u, 25000u, 49999u, 50000u}) {
        const std::string_view first = std::string_view{data}.substr(0, split);
        const std::string_view second = std::string_view{data}.substr(split);
        CHECK(Crc32::Combine(Crc32::Of(Bytes(first)), Crc32::Of(Bytes(second)), second.size()) ==
              whole);
    }

    // Three pieces combined left to right.
    const std::string_view view{data};
    const std::uint32_t ab = Crc32::Combine(Crc32::Of(Bytes(view.substr(0, 100))),
                                            Crc32::Of(Bytes(view.substr(100, 900))), 900);
    CHECK(Crc32::Combine(ab, Crc32::Of(Bytes(view.substr(1000))), data.size() - 1000) == whole);
}
