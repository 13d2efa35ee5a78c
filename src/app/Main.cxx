// sealpost command line: serve, check-config, --help, --version.
#include "admin/AdminCli.hxx"
#include "app/App.hxx"
#include "client/DownloadCommand.hxx"
#include "client/SendCommand.hxx"
#include "config/ConfigError.hxx"
#include "config/DescribeConfig.hxx"
#include "config/LoadConfig.hxx"
#include "lib/uv/Loop.hxx"
#include "log/Log.hxx"
#include "sealpost/Version.hxx"
#include "transfer/TokenCli.hxx"

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
  sealpost --help | --version

Without --config, sealpost runs on the embedded default: HTTP on
127.0.0.1:8080, data in ./data, e-mail written to ./data/mail/.

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
)";

struct Options {
    std::optional<std::string> config, listen, data, public_url;
};

// Parses "--flag VALUE" and "--flag=VALUE"; returns false on anything unknown.
bool ParseOptions(const std::vector<std::string_view>& args, Options& out, std::string& error) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        std::optional<std::string_view> inline_value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        std::optional<std::string>* target = nullptr;
        if (arg == "--config")
            target = &out.config;
        else if (arg == "--listen")
            target = &out.listen;
        else if (arg == "--data")
            target = &out.data;
        else if (arg == "--public-url")
            target = &out.public_url;
        if (!target) {
            error = "unknown option: " + std::string(args[i]);
            return false;
        }
        if (inline_value) {
            *target = std::string(*inline_value);
        } else if (i + 1 < args.size()) {
            *target = std::string(args[++i]);
        } else {
            error = std::string(arg) + " needs a value";
            return false;
        }
    }
    return true;
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
    // Blob encryption, file I/O, LMDB writes and Argon2id share the libuv
    // threadpool; size it before the loop first uses it.
    ::setenv("UV_THREADPOOL_SIZE", "8", 0);
    uv::Loop loop;
    {
        app::App app(loop, config);
        app.Start();
        loop.Run();
    }
    const int rc = loop.Close();
    if (rc != 0) {
        log::Error("event loop closed with handles still open");
        return 1;
    }
    log::Info("stopped");
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
    Options options;
    std::string error;
    if (!ParseOptions({args.begin() + 1, args.end()}, options, error)) {
        std::cerr << "sealpost: " << error << "\n\n" << kUsage;
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
