// CookieJar: the cookies a sealpost server set for the command-line client (the
// client identity after a verification, the access cookie after an unlock), kept by
// name exactly as the server sent them — whatever the name (sp_client,
// __Host-sp_client, …) — and sent back on every request to that server. The client
// talks to one server per run, so domain and path need no matching. Thread-safe: the
// upload workers share one jar.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::client {

class CookieJar {
    mutable std::mutex mutex_;
    std::map<std::string, std::string> cookies_;
    bool changed_ = false;

public:
    CookieJar() = default;
    explicit CookieJar(std::map<std::string, std::string> cookies) : cookies_(std::move(cookies)) {}

    /// Applies Set-Cookie header values: stores name=value, forgets a cookie the
    /// server expires (Max-Age=0 or an empty value).
    void Update(const std::vector<std::string>& set_cookie_values);

    /// "a=1; b=2", or empty when the jar is empty.
    std::string CookieHeader() const;

    std::map<std::string, std::string> Snapshot() const;
    bool Empty() const;

    /// True once a Set-Cookie changed something since the last call.
    bool TakeChanged();
};

} // namespace sealpost::client
