// tus 1.0.0 header parsing: what a client may send and what is refused.
#include "tus/TusProtocol.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;

TEST_CASE("Upload-Length and Upload-Offset are plain decimals") {
    CHECK(tus::ParseUint("0") == 0u);
    CHECK(tus::ParseUint("2147483648") == 2147483648u);
    CHECK(tus::ParseUint("18446744073709551615") == 18446744073709551615u);
    for (const auto* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "18446744073709551616",
                            "12a"}) {
        INFO(bad);
        CHECK_FALSE(tus::ParseUint(bad));
    }
}

TEST_CASE("Upload-Metadata decodes base64 values, keeps flags, refuses the malformed") {
    // filename "journal åäö.pdf", filetype "application/pdf", a flag
    const auto parsed = tus::ParseMetadata(
        "filename am91cm5hbCDDpcOkw7YucGRm,filetype YXBwbGljYXRpb24vcGRm,is_confidential");
    REQUIRE(parsed);
    CHECK(parsed->at("filename") == "journal åäö.pdf");
    CHECK(parsed->at("filetype") == "application/pdf");
    CHECK(parsed->at("is_confidential").empty());
    CHECK(tus::ParseMetadata("")->empty());
    CHECK_FALSE(tus::ParseMetadata("filename !!!notbase64"));
    CHECK_FALSE(tus::ParseMetadata("filename YQ==,filename Yg=="));
    // A path in the name is data, not a path: kept as sent (never used to build one).
    CHECK(tus::ParseMetadata("filename Li4vLi4vZXRjL3Bhc3N3ZA==")->at("filename") ==
          "../../etc/passwd");
}

TEST_CASE("Upload-Checksum: sha1 and sha256 with a base64 digest") {
    tus::Checksum checksum;
    CHECK(tus::ParseChecksum("sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", checksum) ==
          tus::ChecksumParse::ok);
    CHECK(checksum.algorithm == evp::DigestAlgorithm::sha256);
    CHECK(checksum.digest.size() == 32);
    CHECK(tus::ParseChecksum("sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=", checksum) ==
          tus::ChecksumParse::ok);
    CHECK(checksum.digest.size() == 20);
    CHECK(tus::ParseChecksum("md5 1B2M2Y8AsgTpgAmY7PhCfg==", checksum) ==
          tus::ChecksumParse::unsupported);
    CHECK(tus::ParseChecksum("sha256", checksum) == tus::ChecksumParse::malformed);
    CHECK(tus::ParseChecksum("sha256 %%%", checksum) == tus::ChecksumParse::malformed);
}
