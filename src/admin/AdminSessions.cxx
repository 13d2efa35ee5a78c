#include "admin/AdminSessions.hxx"

#include "lib/evp/Digest.hxx"
#include "lib/sodium/Random.hxx"
#include "util/Base64.hxx"
#include "util/Hex.hxx"

#include <algorithm>
#include <array>

namespace sealpost::admin {

AdminSessions::AdminSessions(SessionOptions options, Clock clock)
    : options_(options), clock_(clock ? std::move(clock) : Clock(&std::chrono::steady_clock::now)) {
}

std::string AdminSessions::HashId(std::string_view id) {
    return HexEncode(
        evp::Sha256(std::span{reinterpret_cast<const std::uint8_t*>(id.data()), id.size()}));
}

void AdminSessions::Expire(std::chrono::steady_clock::time_point now) {
    std::erase_if(sessions_, [&](const auto& item) {
        const Session& s = item.second;
        return now - s.last_used > options_.idle_timeout || now - s.created > options_.max_age;
    });
}

std::string AdminSessions::Create(std::string user) {
    const auto now = clock_();
    Expire(now);
    while (!sessions_.empty() && sessions_.size() >= options_.max_sessions) {
        const auto oldest =
            std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
                return a.second.last_used < b.second.last_used;
            });
        sessions_.erase(oldest);
    }
    std::array<std::uint8_t, 32> random{};
    sodium::RandomBytes(random);
    std::string id = Base64Encode(random, Base64Alphabet::url, false);
    sessions_[HashId(id)] = Session{std::move(user), now, now};
    return id;
}

std::optional<std::string> AdminSessions::Touch(std::string_view id) {
    if (id.empty() || id.size() > 128)
        return std::nullopt;
    const auto now = clock_();
    const auto it = sessions_.find(HashId(id));
    if (it == sessions_.end())
        return std::nullopt;
    Session& s = it->second;
    if (now - s.last_used > options_.idle_timeout || now - s.created > options_.max_age) {
        sessions_.erase(it);
        return std::nullopt;
    }
    s.last_used = now;
    return s.user;
}

void AdminSessions::End(std::string_view id) {
    if (const auto it = sessions_.find(HashId(id)); it != sessions_.end())
        sessions_.erase(it);
}

void AdminSessions::EndUser(std::string_view user) {
    std::erase_if(sessions_, [&](const auto& item) { return item.second.user == user; });
}

} // namespace sealpost::admin
