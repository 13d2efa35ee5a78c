#include "client/ClientContext.hxx"
#include "client/ClientError.hxx"
#include "sealpost/Version.hxx"

#include <filesystem>
#include <iostream>

namespace sealpost::client {

std::vector<OptionSpec> ClientContext::CommonOptions() {
    return {
        {"--config", "FILE",
         "client configuration (default $XDG_CONFIG_HOME/sealpost/client.toml)"},
        {"--cacert", "FILE", "trust the CA certificates in this PEM file"},
        {"--insecure", "", "do not verify the server's certificate (prints a warning)"},
        {"--retries", "N", "attempts per request before a network failure counts (default 6)"},
        {"--verbose", "", "notes on standard error (resumed uploads, retries)", false, "-v"},
        {"--help", "", "this help", false, "-h"},
    };
}

std::string CheckServerUrl(std::string url) {
    while (url.ends_with('/'))
        url.pop_back();
    if (!url.starts_with("https://") && !url.starts_with("http://"))
        throw ClientError(kExitUsage, "the server URL must start with https:// or http://: " + url);
    return url;
}

ClientContext ClientContext::From(const ParsedArgs& args) {
    ClientContext context;
    const auto folder = ClientState::DefaultFolder();
    if (const auto file = args.Value("--config")) {
        context.config = LoadClientConfig(*file);
    } else if (const auto fallback = folder / "client.toml"; std::filesystem::exists(fallback)) {
        context.config = LoadClientConfig(fallback);
    }
    context.state = std::make_unique<ClientState>(folder / "state.json");
    context.verbose = args.Has("--verbose");
    if (const auto retries = args.Value("--retries")) {
        if (retries->empty() || retries->size() > 2 ||
            retries->find_first_not_of("0123456789") != std::string::npos || *retries == "0")
            throw ClientError(kExitUsage, "--retries: expected 1 to 99");
        context.retry.attempts = std::stoi(*retries);
    }
    context.http.user_agent = std::string("sealpost/") + std::string(kVersion);
    if (const auto cacert = args.Value("--cacert").value_or(context.config.cacert.value_or(""));
        !cacert.empty()) {
        if (!std::filesystem::exists(cacert))
            throw ClientError(kExitUsage, "--cacert: no such file: " + cacert);
        context.http.ca_file = cacert;
    }
    if (args.Has("--insecure")) {
        context.http.verify_tls = false;
        std::cerr << "sealpost: warning: --insecure: the server's certificate is not checked; "
                     "anyone on the network path can read and change this transfer\n";
    }
    return context;
}

void ClientContext::Note(const std::string& line) const {
    if (verbose)
        std::cerr << "sealpost: " << line << "\n";
}

} // namespace sealpost::client
