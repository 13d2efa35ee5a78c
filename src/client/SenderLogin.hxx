// SenderLogin: how `sealpost send` proves who sends — an API token (--token,
// --token-file, SEALPOST_TOKEN or the config file), or a sender address (--from)
// whose e-mail verification ran once and left the client identity's cookies in the
// state file. Without such cookies it requests a code, reads it at a prompt on a
// terminal, or stops with kExitVerification so that a second run passes --code.
// Whatever cookies the server sets are stored under their own names. Main thread.
#pragma once

#include "client/ClientContext.hxx"
#include "client/CookieJar.hxx"
#include "client/HttpClient.hxx"
#include "util/ArgParser.hxx"

#include <memory>
#include <string>

namespace sealpost::client {

class SenderLogin {
public:
    std::string server; ///< the base URL
    std::string token;  ///< empty when cookies are used
    std::string from;   ///< the sender address; may be empty with a token
    std::shared_ptr<CookieJar> jar;

    /// Picks the credentials from the flags, the environment and the config.
    static SenderLogin From(const ParsedArgs& args, const ClientContext& context);

    /// For cookies: makes sure the identity is verified (see above).
    void EnsureVerified(HttpClient& http, ClientContext& context, const ParsedArgs& args);

    /// Writes the jar to the state file when the server changed a cookie.
    void SaveCookies(ClientContext& context);
};

} // namespace sealpost::client
