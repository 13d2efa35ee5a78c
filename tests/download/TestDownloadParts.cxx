// The pure parts of the recipient's endpoints: the checksums file and
// Content-Disposition, whatever the file names are.
#include "download/ChecksumLine.hxx"
#include "download/ContentDisposition.hxx"

#include <catch2/catch.hpp>

#include <string>

using namespace sealpost;

namespace {
const std::string kSha(64, 'a');
}

TEST_CASE("checksums: one sha256sum line per file whatever the name") {
    CHECK(download::ChecksumLine(kSha, "report.pdf") == kSha + "  report.pdf\n");
    CHECK(download::ChecksumLine(kSha, "journal åäö.pdf") == kSha + "  journal åäö.pdf\n");
    // A line break in a name must not make a second line (a forged entry).
    const std::string forged = "a.txt\n" + std::string(64, 'b') + "  evil.txt";
    const std::string line = download::ChecksumLine(kSha, forged);
    CHECK(line == "\\" + kSha + "  a.txt\\n" + std::string(64, 'b') + "  evil.txt\n");
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
    CHECK(download::ChecksumLine(kSha, "back\\slash\r") == "\\" + kSha + "  back\\\\slash\\r\n");
}

TEST_CASE("Content-Disposition: an ASCII fallback and the UTF-8 name, no header injection") {
    const std::string value = download::ContentDisposition(false, "journal åäö.pdf");
    CHECK(value.starts_with("attachment; "));
    CHECK(value.find("filename*=UTF-8''journal%20%C3%A5%C3%A4%C3%B6.pdf") != std::string::npos);
    const std::string hostile = download::ContentDisposition(true, "x\"\r\nSet-Cookie: a=b.txt");
    CHECK(hostile.starts_with("inline; "));
    CHECK(hostile.find('\r') == std::string::npos);
    CHECK(hostile.find('\n') == std::string::npos);
}
