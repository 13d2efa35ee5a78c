// Administrator sessions: a random id (256 bits, base64url) handed to the browser in
// the cookie sp_admin; the server keeps only the SHA-256 of the id, with the user name
// and the times, in memory (a restart ends every session). A session ends after
// `idle_timeout` without use, after `max_age` in any case, at logout, or when its user
// is removed. At most `max_sessions` live at once (the oldest is dropped).
//
// Threads: loop thread only; no locking. The clock is injectable for tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::admin {

struct SessionOptions {
    std::chrono::seconds idle_timeout{30 * 60};
    std::chrono::seconds max_age{12 * 3600};
    std::size_t max_sessions = 1000;
};

class AdminSessions {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit AdminSessions(SessionOptions options = {}, Clock clock = {});

    /// A new session for user; returns its id (the cookie value).
    std::string Create(std::string user);

    /// The session's user, refreshing its idle timer; nullopt when the id is unknown,
    /// idle too long or too old (an expired session is forgotten).
    std::optional<std::string> Touch(std::string_view id);

    /// Ends the session; nothing happens for an unknown id.
    void End(std::string_view id);

    /// Ends every session of the user.
    void EndUser(std::string_view user);

    std::size_t Size() const noexcept { return sessions_.size(); }
    const SessionOptions& options() const noexcept { return options_; }

private:
    struct Session {
        std::string user;
        std::chrono::steady_clock::time_point created;
        std::chrono::steady_clock::time_point last_used;
    };

    static std::string HashId(std::string_view id);
    void Expire(std::chrono::steady_clock::time_point now);

    SessionOptions options_;
    Clock clock_;
    /// SHA-256 (hex) of the id → session.
    std::map<std::string, Session, std::less<>> sessions_;
};

} // namespace sealpost::admin
