// libFuzzer target: the ways an uploader's file name leaves the server — the
// ZIP name sanitiser (zip/FileNameSanitizer.hxx, zip/UniqueNameSet.hxx), the
// Content-Disposition header (download/ContentDisposition.hxx) and the line of
// the checksums file (download/ChecksumLine.hxx). The input holds one or more
// names separated by NUL.
// Invariants: a sanitised name is one valid UTF-8 path component of 1..255
// bytes, not "." or "..", without '/', '\', control characters or a trailing
// dot or space, and the names of one archive differ ignoring case; a
// Content-Disposition value is printable ASCII on one line; a checksums line
// is exactly one line.
#include "FuzzCheck.hxx"
#include "download/ChecksumLine.hxx"
#include "download/ContentDisposition.hxx"
#include "zip/FileNameSanitizer.hxx"
#include "zip/UniqueNameSet.hxx"
#include "zip/Utf8.hxx"

#include <set>
#include <string>

using namespace sealpost;

namespace {

void CheckSanitized(std::string_view name) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name.size() <= max_file_name_bytes);
    FUZZ_CHECK(name != "." && name != "..");
    FUZZ_CHECK(name.find_first_of("/\\<>:\"|?*") == std::string_view::npos);
    FUZZ_CHECK(name.back() != '.' && name.back() != ' ');
    for (std::size_t pos = 0; pos < name.size();) {
        const auto decoded = zip_utf8::Decode(name, pos);
        FUZZ_CHECK(decoded.valid);
        FUZZ_CHECK(decoded.code >= 0x20 && decoded.code != 0x7f);
        FUZZ_CHECK(!(decoded.code >= 0x80 && decoded.code < 0xa0));
        FUZZ_CHECK(!(decoded.code >= 0x202a && decoded.code <= 0x202e));
        FUZZ_CHECK(!(decoded.code >= 0x2066 && decoded.code <= 0x2069));
        pos += decoded.length;
    }
}

void CheckHeaderValue(std::string_view value) {
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u >= 0x20 && u < 0x7f);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    UniqueNameSet names;
    std::set<std::string> folded;
    while (true) {
        const auto end = input.find('\0');
        const std::string_view raw = input.substr(0, end);

        const std::string safe = SanitizeFileName(raw);
        CheckSanitized(safe);
        FUZZ_CHECK(SanitizeFileName(safe) == safe);
        const auto parts = SplitExtension(safe);
        FUZZ_CHECK(std::string(parts.stem) + std::string(parts.extension) == safe);

        const std::string unique = names.Add(raw);
        CheckSanitized(unique);
        FUZZ_CHECK(folded.insert(zip_utf8::FoldCase(unique)).second);

        CheckHeaderValue(download::ContentDisposition(false, raw));
        CheckHeaderValue(download::ContentDisposition(true, raw));

        const std::string line = download::ChecksumLine(std::string(64, 'a'), raw);
        FUZZ_CHECK(!line.empty() && line.back() == '\n');
        FUZZ_CHECK(line.find('\n') == line.size() - 1);
        FUZZ_CHECK(line.find('\r') == std::string::npos);

        if (end == std::string_view::npos)
            break;
        input.remove_prefix(end + 1);
    }
    return 0;
}
