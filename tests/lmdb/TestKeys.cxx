#include "lib/lmdb/BigEndian.hxx"
#include "lib/lmdb/KeyBuilder.hxx"
#include "lib/lmdb/KeyReader.hxx"

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

using namespace sealpost::lmdb;

TEST_CASE("EncodeU64 is big-endian and DecodeU64 inverts it", "[lmdb]") {
    CHECK(EncodeU64(0x0102030405060708) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    for (const std::uint64_t n :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xff00}, UINT64_MAX})
        CHECK(DecodeU64(EncodeU64(n)) == n);
    CHECK(EncodeU64(255) < EncodeU64(256));
    CHECK_FALSE(DecodeU64("short").has_value());
    CHECK_FALSE(DecodeU64("ninebytes").has_value());
}

TEST_CASE("Composite keys sort by their parts and read back", "[lmdb]") {
    CHECK(KeyBuilder().Text("ab").U64(9).View() < KeyBuilder().Text("abc").U64(0).View());
    CHECK(KeyBuilder().U64(1).Text("z").View() < KeyBuilder().U64(2).Text("a").View());

    const std::string key = KeyBuilder().U64(42).Fixed("ID16BYTESLONG..!").Text("name").Take();
    KeyReader reader(key);
    CHECK(reader.U64() == 42u);
    CHECK(reader.Fixed(16) == "ID16BYTESLONG..!");
    CHECK(reader.Text() == "name");
    CHECK(reader.AtEnd());
    CHECK_FALSE(reader.U64().has_value());
    CHECK_FALSE(reader.Text().has_value());

    CHECK_THROWS_AS(KeyBuilder().Text(std::string("a\0b", 3)), std::invalid_argument);
}
