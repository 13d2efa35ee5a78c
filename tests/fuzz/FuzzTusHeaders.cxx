// libFuzzer target: the tus request headers (tus/TusProtocol.hxx) —
// Upload-Length/Upload-Offset numbers, Upload-Metadata and Upload-Checksum.
// Invariants: a number is accepted only when it is the decimal it reads back
// as (leading zeros aside); metadata keys are non-empty and hold neither a
// space nor a comma; a checksum digest has its algorithm's size.
#include "FuzzCheck.hxx"
#include "tus/TusProtocol.hxx"

#include <string>

using namespace sealpost;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto number = tus::ParseUint(text)) {
        std::string_view digits = text;
        while (digits.size() > 1 && digits.front() == '0')
            digits.remove_prefix(1);
        FUZZ_CHECK(std::to_string(*number) == digits);
    }

    if (const auto metadata = tus::ParseMetadata(text)) {
        for (const auto& [key, value] : *metadata) {
            FUZZ_CHECK(!key.empty());
            FUZZ_CHECK(key.find_first_of(" ,") == std::string::npos);
            FUZZ_CHECK(value.size() <= text.size());
        }
    }

    tus::Checksum checksum;
    if (tus::ParseChecksum(text, checksum) == tus::ChecksumParse::ok) {
        const std::size_t expected = checksum.algorithm == evp::DigestAlgorithm::sha1 ? 20 : 32;
        FUZZ_CHECK(checksum.digest.size() == expected);
    }
    return 0;
}
