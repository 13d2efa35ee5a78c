#include "util/Base64.hxx"
#include "util/Hex.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;

TEST_CASE("base64 matches RFC 4648 test vectors") {
    const std::pair<std::string_view, std::string_view> vectors[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        CHECK(Base64Encode(plain) == encoded);
        CHECK(Base64DecodeToString(encoded) == std::string(plain));
    }
}

TEST_CASE("base64 url alphabet, unpadded and canonical decoding") {
    const std::uint8_t bytes[] = {0xfb, 0xff, 0xbf};
    CHECK(Base64Encode(bytes, Base64Alphabet::url, false) == "-_-_");
    CHECK(Base64Encode(bytes, Base64Alphabet::standard, false) == "+/+/");
    CHECK(Base64Encode(std::string_view{"fo"}, Base64Alphabet::standard, false) == "Zm8");
    CHECK(Base64Decode("Zm8", Base64Alphabet::standard, true).has_value());
    // Non-zero trailing bits are rejected in canonical mode.
    CHECK_FALSE(Base64Decode("Zm9", Base64Alphabet::standard, true).has_value());
    CHECK_FALSE(Base64Decode("Zm8=", Base64Alphabet::standard, true).has_value());
    CHECK_FALSE(Base64Decode("Z", Base64Alphabet::standard).has_value());
    CHECK_FALSE(Base64Decode("Zm9v!", Base64Alphabet::standard).has_value());
}

TEST_CASE("hex round trip") {
    const std::uint8_t bytes[] = {0x00, 0x7f, 0xab, 0xff};
    CHECK(HexEncode(bytes) == "007fabff");
    CHECK(HexDecode("007FABff") == std::vector<std::uint8_t>{0x00, 0x7f, 0xab, 0xff});
    CHECK_FALSE(HexDecode("abc").has_value());
    CHECK_FALSE(HexDecode("zz").has_value());
}
