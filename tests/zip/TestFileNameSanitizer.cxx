// Hostile and awkward upload names become safe, unique archive names.
#include "ZipTestSupport.hxx"

#include "zip/FileNameSanitizer.hxx"
#include "zip/UniqueNameSet.hxx"

#include <catch2/catch.hpp>

#include <set>

using namespace sealpost;
using namespace sealpost::test;

namespace {

bool IsValidUtf8(std::string_view text) {
    // Round trip through the sanitiser's own replacement would hide bugs, so
    // check the encoding rules directly.
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80                    ? 1
                             : lead >= 0xC2 && lead <= 0xDF ? 2
                             : lead >= 0xE0 && lead <= 0xEF ? 3
                             : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                            : 0;
        if (length == 0 || i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
                return false;
        i += length;
    }
    return true;
}

} // namespace

TEST_CASE("directory parts are stripped, on both separators") {
    CHECK(SanitizeFileName("../../etc/passwd") == "passwd");
    CHECK(SanitizeFileName("C:\\x\\y.txt") == "y.txt");
    CHECK(SanitizeFileName("/absolute/path/report.pdf") == "report.pdf");
    CHECK(SanitizeFileName("..\\..\\windows\\system32\\evil.dll") == "evil.dll");
    CHECK(SanitizeFileName("mixed/dir\\name.txt") == "name.txt");
    CHECK(SanitizeFileName("dir/") == "file");
}

TEST_CASE("dot names never survive, hidden names do") {
    CHECK(SanitizeFileName("..") == "file");
    CHECK(SanitizeFileName(".") == "file");
    CHECK(SanitizeFileName("a/..") == "file");
    CHECK(SanitizeFileName(". .") == "file");
    CHECK(SanitizeFileName(".\x01.") == "file");
    CHECK(SanitizeFileName(".bashrc") == ".bashrc");
    CHECK(SanitizeFileName("..hidden") == "..hidden");
}

TEST_CASE("control and direction-changing characters are dropped") {
    CHECK(SanitizeFileName("a\nb\r\tc\x7f.txt") == "abc.txt");
    CHECK(SanitizeFileName(std::string{"nul\0byte.txt", 12}) == "nulbyte.txt");
    CHECK(SanitizeFileName("c1\u0085\u009b.txt") == "c1.txt");
    // "invoice\u202Efdp.exe" would display as "invoiceexe.pdf".
    CHECK(SanitizeFileName("invoice\u202Efdp.exe") == "invoicefdp.exe");
}

TEST_CASE("characters Windows refuses become underscores; trailing dots and spaces go") {
    CHECK(SanitizeFileName("a<b>c:d\"e|f?g*h.txt") == "a_b_c_d_e_f_g_h.txt");
    CHECK(SanitizeFileName("C:file.txt") == "C_file.txt");
    CHECK(SanitizeFileName("name.txt. . ") == "name.txt");
    CHECK(SanitizeFileName(" leading space.txt") == " leading space.txt");
}

TEST_CASE("invalid UTF-8 is replaced, valid UTF-8 kept") {
    CHECK(SanitizeFileName("bad\xff.txt") == "bad\uFFFD.txt");
    CHECK(SanitizeFileName("over\xc0\xaflong") == "over\uFFFD\uFFFDlong");
    // Each byte that cannot start or continue a sequence is replaced on its own.
    CHECK(SanitizeFileName("surrogate\xed\xa0\x80") == "surrogate\uFFFD\uFFFD\uFFFD");
    CHECK(SanitizeFileName("cut\xe2\x82") == "cut\uFFFD");
    CHECK(SanitizeFileName("Räksmörgås 🎉.txt") == "Räksmörgås 🎉.txt");
}

TEST_CASE("empty names become 'file'") {
    CHECK(SanitizeFileName("") == "file");
    CHECK(SanitizeFileName("   ") == "file");
    CHECK(SanitizeFileName("\x01\x02") == "file");
}

TEST_CASE("Windows device names are prefixed") {
    CHECK(SanitizeFileName("CON") == "_CON");
    CHECK(SanitizeFileName("nul.txt") == "_nul.txt");
    CHECK(SanitizeFileName("Aux.tar.gz") == "_Aux.tar.gz");
    CHECK(SanitizeFileName("COM1") == "_COM1");
    CHECK(SanitizeFileName("lpt9.log") == "_lpt9.log");
    CHECK(SanitizeFileName("COM\u00B9.txt") == "_COM\u00B9.txt");
    CHECK(SanitizeFileName("CON .txt") == "_CON .txt");
    CHECK(SanitizeFileName("dir/PRN") == "_PRN");
    CHECK(SanitizeFileName("CONSOLE.txt") == "CONSOLE.txt");
    CHECK(SanitizeFileName("COM10") == "COM10");
    CHECK(SanitizeFileName("nullable.txt") == "nullable.txt");
}

TEST_CASE("long names are cut on a UTF-8 boundary, keeping a short extension") {
    // 'ö' is two bytes: 200 of them are 400 bytes.
    std::string stem;
    for (int i = 0; i < 200; ++i)
        stem += "ö";
    const std::string cut = SanitizeFileName("x" + stem + ".pdf");
    CHECK(cut.size() <= max_file_name_bytes);
    CHECK(cut.size() >= max_file_name_bytes - 1);
    CHECK(cut.ends_with("ö.pdf"));
    CHECK(IsValidUtf8(cut));

    const std::string no_extension = SanitizeFileName("x" + stem);
    CHECK(no_extension.size() == 255); // 'x' + 127 two-byte letters
    CHECK(IsValidUtf8(no_extension));

    std::string emoji;
    for (int i = 0; i < 100; ++i)
        emoji += "🎉";
    const std::string cut_emoji = SanitizeFileName(emoji + ".txt");
    CHECK(cut_emoji.size() == 62 * 4 + 4); // 62 four-byte emoji fit in 251 bytes
    CHECK(cut_emoji.ends_with("🎉.txt"));
    CHECK(IsValidUtf8(cut_emoji));

    CHECK(SanitizeFileName(std::string(255, 'a')) == std::string(255, 'a'));
    CHECK(SanitizeFileName(std::string(300, 'a') + "." + std::string(40, 'b')).size() == 255);
}

TEST_CASE("duplicates get numbered names, ignoring case") {
    UniqueNameSet names;
    CHECK(names.Add("report.pdf") == "report.pdf");
    CHECK(names.Add("report.pdf") == "report (2).pdf");
    CHECK(names.Add("REPORT.PDF") == "REPORT (3).PDF");
    CHECK(names.Add("a/b/report.pdf") == "report (4).pdf");
    CHECK(names.Add("report (2).pdf") == "report (2) (2).pdf");
    CHECK(names.Add("Åsa.txt") == "Åsa.txt");
    CHECK(names.Add("åSA.TXT") == "åSA (2).TXT");
    CHECK(names.Add("ПРИВЕТ") == "ПРИВЕТ");
    CHECK(names.Add("привет") == "привет (2)");
    CHECK(names.Add(".bashrc") == ".bashrc");
    CHECK(names.Add(".bashrc") == ".bashrc (2)");
    CHECK(names.Add("") == "file");
    CHECK(names.Add("..") == "file (2)");
    CHECK(names.Contains("REPORT (2).pdf"));
    CHECK_FALSE(names.Contains("report (9).pdf"));
}

TEST_CASE("reserved names are never given to uploads") {
    UniqueNameSet names;
    CHECK(names.Reserve("message.txt"));
    CHECK_FALSE(names.Reserve("Message.TXT"));
    CHECK(names.Add("message.txt") == "message (2).txt");
    CHECK(names.Add("../MESSAGE.txt") == "MESSAGE (3).txt");
}

TEST_CASE("numbered duplicates of long names still fit") {
    UniqueNameSet names;
    const std::string raw = std::string(300, 'z') + ".txt";
    const std::string first = names.Add(raw);
    const std::string second = names.Add(raw);
    CHECK(first.size() == 255);
    CHECK(second.size() == 255);
    CHECK(second.ends_with("z (2).txt"));
    CHECK(first != second);
}

TEST_CASE("many equal names stay unique") {
    UniqueNameSet names;
    std::set<std::string> folded;
    for (int i = 0; i < 5000; ++i)
        CHECK(folded.insert(names.Add(i % 2 == 0 ? "data.csv" : "DATA.csv")).second);
}

TEST_CASE("an archive of hostile names lists and extracts no path component") {
    UniqueNameSet names;
    names.Reserve("message.txt");
    const std::vector<std::string> hostile{
        "../../etc/passwd", "C:\\x\\y.txt", "/etc/shadow", "..",
        "dir/../../x.txt",  "a\nb.txt",     "CON",         "message.txt",
        "..\\..\\boot.ini", "passwd",
    };
    std::vector<TestFile> files;
    for (std::size_t i = 0; i < hostile.size(); ++i)
        files.push_back(
            {names.Add(hostile[i]), RandomBytes(10 + i, 40 + static_cast<unsigned>(i))});
    files.push_back({"message.txt", "the message\n"});

    TempDir dir;
    const ZipLayout layout = LayoutFor(files);
    WriteArchive(dir / "hostile.zip", layout, files);

    const CommandResult list =
        RunCommand("unzip -Z1 " + ShellQuote((dir / "hostile.zip").string()));
    INFO(list.output);
    REQUIRE(list.exit_code == 0);
    std::set<std::string> listed;
    std::size_t start = 0;
    for (std::size_t nl; (nl = list.output.find('\n', start)) != std::string::npos; start = nl + 1)
        listed.insert(list.output.substr(start, nl - start));
    std::set<std::string> expected;
    for (const TestFile& file : files)
        expected.insert(file.name);
    CHECK(listed == expected);
    for (const std::string& name : listed) {
        CHECK(name.find('/') == std::string::npos);
        CHECK(name.find('\\') == std::string::npos);
        CHECK(name != "..");
    }
    CHECK(listed.contains("passwd"));
    CHECK(listed.contains("passwd (2)"));
    CHECK(listed.contains("_CON"));

    const CommandResult verbose =
        RunCommand("unzip -l " + ShellQuote((dir / "hostile.zip").string()));
    CHECK(verbose.exit_code == 0);
    // The listing after the "Archive: <path>" line: names only.
    const std::string table = verbose.output.substr(verbose.output.find("\n"));
    INFO(table);
    for (const TestFile& file : files)
        CHECK(table.find("  " + file.name + "\n") != std::string::npos);
    CHECK(table.find('/') == std::string::npos);
    CHECK(table.find('\\') == std::string::npos);
    CHECK(table.find("..") == std::string::npos);

    // Extraction stays inside the target directory.
    TempDir out;
    const CommandResult unzip =
        RunCommand("unzip -q " + ShellQuote((dir / "hostile.zip").string()) + " -d " +
                   ShellQuote((out / "x").string()));
    INFO(unzip.output);
    CHECK(unzip.exit_code == 0);
    std::size_t count = 0;
    for (const auto& item : std::filesystem::directory_iterator(out.Path()))
        CHECK(item.path().filename() == "x");
    for (const auto& item : std::filesystem::recursive_directory_iterator(out / "x")) {
        CHECK(item.is_regular_file());
        ++count;
    }
    CHECK(count == files.size());
}
