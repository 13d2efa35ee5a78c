// libFuzzer target: the Range header (http/Range.hxx) against representations
// of several sizes. The first 8 input bytes pick one size; the rest is the
// header value. Invariant: a satisfiable range lies inside the representation.
#include "FuzzCheck.hxx"
#include "http/Range.hxx"

#include <cstring>

using sealpost::http::ByteRange;
using sealpost::http::ParseRange;
using sealpost::http::RangeResult;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint64_t picked = 0;
    if (size >= sizeof(picked)) {
        std::memcpy(&picked, data, sizeof(picked));
        data += sizeof(picked);
        size -= sizeof(picked);
    }
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    for (const std::uint64_t length : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1000},
                                       picked % 100'000, picked, UINT64_MAX}) {
        ByteRange range{7, 3};
        const RangeResult result = ParseRange(header, length, range);
        if (result == RangeResult::satisfiable) {
            FUZZ_CHECK(length > 0);
            FUZZ_CHECK(range.first <= range.last);
            FUZZ_CHECK(range.last < length);
            FUZZ_CHECK(range.Length() <= length);
        }
    }
    return 0;
}
