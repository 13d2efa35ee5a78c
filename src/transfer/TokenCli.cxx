#include "transfer/TokenCli.hxx"
#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"
#include "identity/SenderStore.hxx"
#include "policy/EmailAddress.hxx"
#include "store/LmdbIndex.hxx"
#include "store/Index.hxx"
#include "store/WrapFiles.hxx"
#include "util/ArgParser.hxx"
#include "util/Time.hxx"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace sealpost::transfer {
namespace {

constexpr const char* kTokenUsage = R"(Usage:
  sealpost admin token create --email ADDR [--label TEXT] [--config FILE] [--data DIR]
  sealpost admin token list [--config FILE] [--data DIR]
  sealpost admin token revoke ID [--config FILE] [--data DIR]

create prints the new token once; send it as "Authorization: Bearer TOKEN".
Exit codes: 0 success, 1 runtime failure, 2 usage error.
)";

const std::vector<OptionSpec> kOptions{
    {"--email", "ADDR", "create: the sender address the token acts for"},
    {"--label", "TEXT", "create: a note shown by list"},
    {"--config", "FILE", "the server's configuration"},
    {"--data", "DIR", "the data folder (overrides the configuration)"},
    {"--help", "", "this help", false, "-h"},
};

} // namespace

int RunTokenCommand(std::span<const std::string_view> args) {
    ParsedArgs parsed;
    try {
        parsed = ParseArgs(args, kOptions);
    } catch (const UsageError& e) {
        std::cerr << "sealpost: " << e.what() << "\n\n" << kTokenUsage;
        return 2;
    }
    if (parsed.Has("--help") || parsed.positional.empty()) {
        (parsed.Has("--help") ? std::cout : std::cerr) << kTokenUsage << "\nOptions:\n"
                                                       << OptionsHelp(kOptions);
        return parsed.Has("--help") ? 0 : 2;
    }
    const std::string action = parsed.positional[0];
    struct {
        std::optional<std::string> email, label, config, data;
        std::vector<std::string> positional;
    } options{parsed.Value("--email"),
              parsed.Value("--label"),
              parsed.Value("--config"),
              parsed.Value("--data"),
              {parsed.positional.begin() + 1, parsed.positional.end()}};
    try {
        Config config = options.config ? LoadConfig(*options.config) : Config{};
        ApplyOverrides(config, std::nullopt, options.data, std::nullopt);
        const auto index_dir = config.server.data_dir / "index";
        if (action == "create") {
            if (!options.email || !options.positional.empty()) {
                std::cerr << "sealpost: token create needs --email ADDR\n\n" << kTokenUsage;
                return 2;
            }
            AddressError invalid;
            const auto address = EmailAddress::Parse(*options.email, &invalid);
            if (!address) {
                std::cerr << "sealpost: not a usable e-mail address: " << invalid.message << "\n";
                return 2;
            }
            const store::WrapFiles wraps(index_dir.parent_path() / "keys" / "wraps");
            store::LmdbIndex index(index_dir, wraps);
            identity::SenderStore senders(index.env());
            std::cout << senders.CreateToken(address->ToString(), options.label.value_or(""),
                                             UnixNow())
                      << "\n";
            return 0;
        }
        if (action == "list") {
            const store::WrapFiles wraps(index_dir.parent_path() / "keys" / "wraps");
            store::LmdbIndex index(index_dir, wraps);
            identity::SenderStore senders(index.env());
            for (const auto& [id, token] : senders.ListTokens())
                std::cout << id << "  " << token.email << "  " << Rfc3339(token.created_at)
                          << (token.label.empty() ? "" : "  ") << token.label << "\n";
            return 0;
        }
        if (action == "revoke") {
            if (options.positional.size() != 1) {
                std::cerr << "sealpost: token revoke needs the token's ID (from list)\n\n"
                          << kTokenUsage;
                return 2;
            }
            const store::WrapFiles wraps(index_dir.parent_path() / "keys" / "wraps");
            store::LmdbIndex index(index_dir, wraps);
            identity::SenderStore senders(index.env());
            if (!senders.DeleteToken(options.positional[0])) {
                std::cerr << "sealpost: no such token\n";
                return 1;
            }
            return 0;
        }
    } catch (const ConfigError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sealpost: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "sealpost: unknown token command " << action << "\n\n" << kTokenUsage;
    return 2;
}

} // namespace sealpost::transfer
