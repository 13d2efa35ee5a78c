// sealpost command line: one table of every command (kCommands, printed by
// --list-commands, each with --help), serve, check-config, --help, --version; the
// admin, token and client commands run from their own folders, all parsed by
// util/ArgParser.
#include "admin/AdminCli.hxx"
#include "app/App.hxx"
#include "app/DataCheck.hxx"
#include "client/DownloadCommand.hxx"
#include "client/SendCommand.hxx"
#include "config/ConfigError.hxx"
#include "config/DescribeConfig.hxx"
#include "config/LoadConfig.hxx"
#include "lib/uv/Loop.hxx"
#include "log/Log.hxx"
#include "sealpost/Version.hxx"
#include "transfer/TokenCli.hxx"
#include "util/ArgParser.hxx"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace sealpost;

namespace {

constexpr const char* kUsage = R"(sealpost — secure file transfer server

Usage:
  sealpost serve [--config FILE] [--listen ADDR] [--data DIR] [--public-url URL]
  sealpost check-config [--config FILE] [--listen ADDR] [--data DIR] [--public-url URL]
  sealpost admin ... | sealpost audit verify   (sealpost admin --help)
  sealpost admin token create|list|revoke      (sealpost admin token --help)
  sealpost send --server URL [--token T | --from EMAIL] --to EMAIL FILE|DIR...
                                               (sealpost send --help)
  sealpost download LINK [-o DIR] [--zip]      (sealpost download --help)
  sealpost COMMAND --help                      (every command has one)
  sealpost --list-commands | --help | --version

Without --config, sealpost runs on the embedded default: HTTP on
127.0.0.1:8080, data in ./data, e-mail written to ./data/mail/.

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
)";

/// Every command of the binary, longest first where one is a prefix of another.
struct CommandInfo {
    std::string_view name;
    std::string_view summary;
};
constexpr CommandInfo kCommands[] = {
    {"serve", "run the server"},
    {"check-config", "validate and print the effective configuration"},
    {"send", "send files and directories (command line client)"},
    {"download", "fetch a transfer from its download link (command line client)"},
    {"admin user add", "add an administrator"},
    {"admin user list", "list the administrators"},
    {"admin user remove", "remove an administrator"},
    {"admin unlock", "clear a transfer's lock after wrong passwords"},
    {"admin delete", "crypto-shred a transfer now"},
    {"admin audit", "search or export the audit log"},
    {"admin stats", "counts and volumes"},
    {"admin export-identity", "print a transfer's age identity for recovery"},
    {"admin token create", "create an API token for a sender address"},
    {"admin token list", "list the API tokens"},
    {"admin token revoke", "revoke an API token"},
    {"audit verify", "verify the audit log's hash chain"},
};

const std::vector<OptionSpec> kServeOptions{
    {"--config", "FILE", "the configuration file (default: the embedded default)"},
    {"--listen", "ADDR", "override server.listen"},
    {"--data", "DIR", "override server.data_dir"},
    {"--public-url", "URL", "override server.public_url"},
    {"--help", "", "this help", false, "-h"},
};

struct Options {
    std::optional<std::string> config, listen, data, public_url;
};

Options ParseOptions(std::span<const std::string_view> args) {
    const ParsedArgs parsed = ParseArgs(args, kServeOptions);
    if (!parsed.positional.empty())
        throw UsageError("unexpected argument " + parsed.positional.front());
    return {parsed.Value("--config"), parsed.Value("--listen"), parsed.Value("--data"),
            parsed.Value("--public-url")};
}

Config BuildConfig(const Options& options) {
    Config config = options.config ? LoadConfig(*options.config) : Config{};
    ApplyOverrides(config, options.listen, options.data, options.public_url);
    return config;
}

void ConfigureLogging(const Config& config) {
    const log::Level level = config.log.level == LogLevel::kDebug   ? log::Level::debug
                             : config.log.level == LogLevel::kWarn  ? log::Level::warn
                             : config.log.level == LogLevel::kError ? log::Level::error
                                                                    : log::Level::info;
    log::Configure(level,
                   config.log.format == LogFormat::kJson ? log::Format::json : log::Format::text);
}

int Serve(const Config& config) {
    ConfigureLogging(config);
    uv::Loop loop;
    try {
        app::App app(loop, config);
        app.Start();
        loop.Run();
    } catch (const std::exception& e) {
        // A damaged LMDB file found while starting: say what to do about it.
        if (const std::string hint = app::DamageHint(e, config.server.data_dir); !hint.empty())
            throw app::DataDamaged(std::string(e.what()) + ": " + hint);
        throw;
    }
    const int rc = loop.Close();
    if (rc != 0) {
        log::Write(log::Level::error, "loop_close_failed", {{"reason", "handles still open"}});
        return 1;
    }
    log::Write(log::Level::info, "stopped");
    return 0;
}

void PrintConfigError(const ConfigError& e) {
    std::cerr << e.what() << "\n";
}

} // namespace

int main(int argc, char** argv) {
    // A peer that resets its connection mid-write must cost an EPIPE, not the process
    // (the server's sockets and the client's libcurl transfers alike).
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--list-commands") {
        for (const CommandInfo& c : kCommands)
            std::cout << c.name << "\t" << c.summary << "\n";
        return 0;
    }
    if (args[0] == "--version") {
        std::cout << "sealpost " << kVersion << "\n";
        return 0;
    }
    const std::string_view command = args[0];
    if (command == "admin" && args.size() > 1 && args[1] == "token")
        return transfer::RunTokenCommand(std::span(args).subspan(2));
    if (command == "send")
        return client::RunSend(std::span(args).subspan(1), std::cout, std::cerr);
    if (command == "download")
        return client::RunDownload(std::span(args).subspan(1), std::cout, std::cerr);
    if (command == "admin" || command == "audit")
        return admin::RunAdminCommand(args);
    if (command != "serve" && command != "check-config") {
        std::cerr << "sealpost: unknown command " << command << "\n\n" << kUsage;
        return 2;
    }
    Options options;
    try {
        const auto rest = std::span(args).subspan(1);
        if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
            std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
            std::cout << "Usage: sealpost " << command
                      << " [--config FILE] [--listen ADDR] [--data DIR] [--public-url URL]\n\n"
                      << (command == "serve" ? "Runs the server until SIGTERM or SIGINT.\n"
                                             : "Validates the configuration and prints it.\n")
                      << "\nOptions:\n"
                      << OptionsHelp(kServeOptions);
            return 0;
        }
        options = ParseOptions(rest);
    } catch (const UsageError& e) {
        std::cerr << "sealpost: " << e.what() << "\n\n" << kUsage;
        return 2;
    }
    try {
        if (command == "serve")
            return Serve(BuildConfig(options));
        if (command == "check-config") {
            const Config config = BuildConfig(options);
            std::cout << DescribeConfig(config);
            std::cerr << "configuration OK\n";
            return 0;
        }
    } catch (const ConfigError& e) {
        PrintConfigError(e);
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sealpost: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "sealpost: unknown command " << command << "\n\n" << kUsage;
    return 2;
}
