// HttpClient: the command-line client's view of one sealpost server — a base URL,
// the credentials (an API token, or the cookies in a shared CookieJar with the
// matching Origin), JSON requests, and retries with backoff when the network fails
// (or the server answers 429/502/503/504) before a request is given up as
// kExitNetwork. Server answers that stop the command become ClientErrors with the
// server's problem detail (Fail()).
//
// Each upload worker owns its HttpClient (one libcurl handle each); the CookieJar
// is shared. An HttpClient is used by one thread at a time.
#pragma once

#include "client/CookieJar.hxx"
#include "lib/curl/HttpSession.hxx"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace sealpost::client {

struct Reply {
    long status = 0;
    /// The parsed body when it was JSON (problem details too), else null.
    nlohmann::json json;
    curl::HttpResponse raw;
};

struct RetryPolicy {
    /// Attempts of one request before it counts as a network failure.
    int attempts = 6;
    std::chrono::milliseconds first_delay{500};
};

class HttpClient {
    std::string base_;
    std::string origin_;
    curl::HttpSession session_;
    std::shared_ptr<CookieJar> jar_;
    std::string token_;
    RetryPolicy retry_;

public:
    /// base_url: scheme://host[:port][/prefix] without a trailing slash.
    HttpClient(std::string base_url, curl::HttpSettings settings, std::shared_ptr<CookieJar> jar,
               std::string token, RetryPolicy retry = {});

    const std::string& Base() const noexcept { return base_; }
    std::string Url(std::string_view path) const;
    const RetryPolicy& Retry() const noexcept { return retry_; }
    const std::shared_ptr<CookieJar>& Jar() const noexcept { return jar_; }

    /// A JSON request (no body when `body` is null) with retries.
    Reply Call(const std::string& method, std::string_view path,
               const nlohmann::json& body = nullptr);

    /// Any request: the credentials are added, Set-Cookie goes into the jar. With
    /// `retry`, network failures and 429/502/503/504 are retried; without, a
    /// curl::TransportError reaches the caller. The URL may be a path.
    Reply Send(curl::HttpRequest request, bool retry);

    /// Throws the ClientError that fits the answer: 401/403/423 kExitAuth, 404/410
    /// kExitGone, 5xx and anything else kExitServer; `what` says what was tried.
    [[noreturn]] static void Fail(const Reply& reply, const std::string& what);

    /// The problem's detail (or title), else the status line.
    static std::string Detail(const Reply& reply);
};

/// Sleeps for the n-th retry's delay (doubling from `first`, at most 30 s).
void Backoff(const RetryPolicy& policy, int attempt);

} // namespace sealpost::client
