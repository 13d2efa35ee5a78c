// The client's pieces that decide safety and correctness without a server: the
// names a download may write (OutputFolder), the cookies kept for a server
// (CookieJar), the one command-line parser (ArgParser) and the client
// configuration file (ClientConfig).
#include "client/CookieJar.hxx"
#include "client/OutputFolder.hxx"
#include "config/ClientConfig.hxx"
#include "config/ConfigError.hxx"
#include "util/ArgParser.hxx"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

using namespace sealpost;
using namespace sealpost::client;
using Parts = std::vector<std::string>;

TEST_CASE("a download name never leaves the output folder") {
    CHECK(OutputFolder::SafeParts("report.pdf", "f") == Parts{"report.pdf"});
    CHECK(OutputFolder::SafeParts("dir/sub/a.txt", "f") == Parts{"dir", "sub", "a.txt"});
    CHECK(OutputFolder::SafeParts("../../x", "f") == Parts{"x"});
    CHECK(OutputFolder::SafeParts("/etc/passwd", "f") == Parts{"etc", "passwd"});
    CHECK(OutputFolder::SafeParts("..\\..\\win.ini", "f") == Parts{"win.ini"});
    CHECK(OutputFolder::SafeParts("a/./b/../c", "f") == Parts{"a", "b", "c"});
    CHECK(OutputFolder::SafeParts(std::string("nul\0byte", 8), "f") == Parts{"nul_byte"});
    CHECK(OutputFolder::SafeParts("tab\there\x1b[31m\x7f", "f") == Parts{"tab_here_[31m_"});
    CHECK(OutputFolder::SafeParts("..", "file-1") == Parts{"file-1"});
    CHECK(OutputFolder::SafeParts("", "file-1") == Parts{"file-1"});
    CHECK(OutputFolder::SafeParts("///", "file-1") == Parts{"file-1"});
    // A leading dot would hide the file and could pose as a partial download.
    CHECK(OutputFolder::SafeParts(".x.sealpost-part", "f") == Parts{"_x.sealpost-part"});
    CHECK(OutputFolder::SafeParts(std::string(300, 'a'), "f").front().size() == 200);
}

TEST_CASE("the cookie jar keeps whatever the server sets, under its own name") {
    CookieJar jar;
    jar.Update(
        {"__Host-sp_client=abc.def; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=2592000"});
    CHECK(jar.CookieHeader() == "__Host-sp_client=abc.def");
    CHECK(jar.TakeChanged());
    CHECK_FALSE(jar.TakeChanged());
    // A rotated value replaces the old one; another cookie is added beside it.
    jar.Update({"__Host-sp_client=rotated; Path=/", "sp_access=xyz; Path=/api/v1/downloads/d"});
    CHECK(jar.CookieHeader() == "__Host-sp_client=rotated; sp_access=xyz");
    CHECK(jar.TakeChanged());
    // The same value again changes nothing; Max-Age=0 forgets.
    jar.Update({"sp_access=xyz"});
    CHECK_FALSE(jar.TakeChanged());
    jar.Update({"sp_access=; Max-Age=0; Path=/"});
    CHECK(jar.CookieHeader() == "__Host-sp_client=rotated");
    jar.Update({"garbage without equals", "=novalue"});
    CHECK(jar.Snapshot().size() == 1);
}

TEST_CASE("one parser: values, repeats, flags, short forms and clear refusals") {
    const std::array<OptionSpec, 4> spec{{{"--to", "EMAIL", "", true},
                                          {"--output", "DIR", "", false, "-o"},
                                          {"--json", "", ""},
                                          {"--server", "URL", ""}}};
    const std::vector<std::string_view> args{"--to",  "a@x",    "--to=b@y", "-o",      "out",
                                             "file1", "--json", "--",       "--weird", "-"};
    const ParsedArgs parsed = ParseArgs(args, spec);
    CHECK(parsed.Values("--to") == std::vector<std::string>{"a@x", "b@y"});
    CHECK(parsed.Value("--output") == "out");
    CHECK(parsed.Has("--json"));
    CHECK_FALSE(parsed.Has("--server"));
    CHECK(parsed.positional == std::vector<std::string>{"file1", "--weird", "-"});
    const auto refuses = [&](std::vector<std::string_view> bad, const char* text) {
        try {
            ParseArgs(bad, spec);
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).find(text) != std::string::npos);
        }
    };
    refuses({"--bogus"}, "unknown option --bogus");
    refuses({"--server"}, "--server needs a value");
    refuses({"--server", "a", "--server", "b"}, "only once");
    refuses({"--json=1"}, "takes no value");
    CHECK(OptionsHelp(spec).find("-o, --output DIR") != std::string::npos);
}

TEST_CASE("client.toml: keys read, mistakes named with the key") {
    const ClientConfig config = LoadClientConfigFromString(R"(
server = "https://sealpost.example.se"
token_file = "/etc/sealpost/robot.token"
[send]
retention_days = 7
language = "sv"
parallel = 4
notify_download = true
)",
                                                           "client.toml");
    CHECK(config.server == "https://sealpost.example.se");
    CHECK(config.token_file == "/etc/sealpost/robot.token");
    CHECK(config.retention_days == 7);
    CHECK(config.parallel == 4);
    CHECK(config.language == "sv");
    CHECK(config.notify_download == true);
    CHECK_FALSE(config.token);
    const auto problems = [](const char* text) {
        try {
            LoadClientConfigFromString(text, "client.toml");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(problems("servr = \"x\"").find("servr: unknown key (did you mean server?)") !=
          std::string::npos);
    CHECK(problems("[send]\nparallel = 99").find("send.parallel") != std::string::npos);
    CHECK(problems("[send]\nlanguage = \"de\"").find("send.language") != std::string::npos);
    CHECK(problems("token = 5").find("token: expected a string") != std::string::npos);
    CHECK(problems("token = \"a\"\ntoken_file = \"b\"").find("not both") != std::string::npos);
    CHECK(problems("server = ").find("not valid TOML") != std::string::npos);
}
