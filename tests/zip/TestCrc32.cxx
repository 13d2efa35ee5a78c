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
    CHECK(Crc32::Of(std::span<const std::uint8_t>{}) == 0);
    CHECK(Crc32::Of(std::string_view{}) == 0);
    CHECK(Crc32::Of("123456789") == 0xCBF43926);
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

TEST_CASE("CRC-32 Combine handles lengths beyond 4 GiB") {
    // CRC(A + zeros) built from 1 MiB steps (small lengths, checked against
    // streaming above) equals one Combine over the whole length.
    const std::string mib(1 << 20, '\0');
    const std::uint32_t mib_crc = Crc32::Of(Bytes(mib));
    const std::uint32_t start = Crc32::Of(Bytes("sealpost"));
    const std::uint64_t tail = 12345;

    std::uint32_t stepwise = start;
    std::uint32_t zeros = 0;
    std::uint64_t length = 0;
    for (int i = 0; i < 4096 + 1024; ++i) {
        stepwise = Crc32::Combine(stepwise, mib_crc, mib.size());
        zeros = Crc32::Combine(zeros, mib_crc, mib.size());
        length += mib.size();
        if (length == std::uint64_t{4} << 30 || length == std::uint64_t{5} << 30) {
            const std::uint32_t tail_crc = Crc32::Of(Bytes(std::string_view{mib}.substr(0, tail)));
            const std::uint32_t zeros_plus_tail = Crc32::Combine(zeros, tail_crc, tail);
            CHECK(Crc32::Combine(start, zeros_plus_tail, length + tail) ==
                  Crc32::Combine(stepwise, tail_crc, tail));
            CHECK(Crc32::Combine(start, zeros, length) == stepwise);
        }
    }
}
