// ClientContext: what every client command (send, download) sets up from its
// arguments and the client configuration file — the server URL, the HTTP settings
// (CA file, --insecure with its warning, a user agent with the version), the state
// file, and --verbose notes on standard error. Main thread; the HTTP settings are
// copied into each worker's HttpClient.
#pragma once

#include "client/ClientState.hxx"
#include "client/HttpClient.hxx"
#include "config/ClientConfig.hxx"
#include "lib/curl/HttpSession.hxx"
#include "util/ArgParser.hxx"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sealpost::client {

class ClientContext {
public:
    ClientConfig config;
    curl::HttpSettings http;
    std::unique_ptr<ClientState> state;
    bool verbose = false;
    RetryPolicy retry;

    /// Reads --config (or the default client.toml when it exists), --cacert,
    /// --insecure, --verbose, --retries. Throws ClientError (usage) and ConfigError.
    static ClientContext From(const ParsedArgs& args);

    /// --verbose notes.
    void Note(const std::string& line) const;

    /// The options every client command takes.
    static std::vector<OptionSpec> CommonOptions();
};

/// "https://host:port/prefix" checked and without a trailing slash; throws usage.
std::string CheckServerUrl(std::string url);

} // namespace sealpost::client
