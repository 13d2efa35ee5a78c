// Helpers of the transfer API tests: a "browser" (its cookie, its Origin) talking
// JSON to the whole App over a real loopback socket, and the verification codes read
// from the mail spool the way a person would.
#pragma once

#include "../http/TestServer.hxx"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace sealpost::test {

struct ApiClient {
    int port;
    /// Sent as Origin on every request when not empty.
    std::string origin;
    /// The whole Cookie header value ("sp_client=…"); empty: none.
    std::string cookie;
    /// Sent as X-Forwarded-For when not empty (the App must trust 127.0.0.1).
    std::string forwarded_for;

    ClientResponse Request(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::vector<std::string>& headers = {}) const;
    ClientResponse Post(const std::string& target, const nlohmann::json& body) const {
        return Request("POST", target, body.dump());
    }
};

/// The value of cookie `name` in a Set-Cookie header ("" when it is another cookie).
std::string SetCookieValueOf(const ClientResponse& response, const std::string& name);

/// Watches the spool folder for verification mails.
class SpoolReader {
public:
    explicit SpoolReader(std::filesystem::path dir) : dir_(std::move(dir)) {}
    /// The 8-digit code of the next .eml not read before (waits up to 10 s).
    std::string NextCode();

private:
    std::filesystem::path dir_;
    std::set<std::string> seen_;
};

/// POST /api/v1/verifications for `email`, then confirms it with the code from the
/// spool; returns the confirmation's response.
ClientResponse Verify(const ApiClient& browser, SpoolReader& spool, const std::string& email);

} // namespace sealpost::test
