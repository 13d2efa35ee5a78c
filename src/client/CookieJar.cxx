#include "client/CookieJar.hxx"
#include "util/Text.hxx"

namespace sealpost::client {

void CookieJar::Update(const std::vector<std::string>& set_cookie_values) {
    std::lock_guard lock(mutex_);
    for (const std::string& header : set_cookie_values) {
        const std::string_view text(header);
        const std::string_view pair = text.substr(0, text.find(';'));
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string name(TrimBlanks(pair.substr(0, eq)));
        const std::string value(TrimBlanks(pair.substr(eq + 1)));
        if (name.empty())
            continue;
        const std::string attributes = LowerAscii(text.substr(pair.size()));
        const bool expired = attributes.find("max-age=0") != std::string::npos ||
                             attributes.find("max-age=-") != std::string::npos || value.empty();
        if (expired) {
            changed_ |= cookies_.erase(name) > 0;
        } else if (cookies_[name] != value) {
            cookies_[name] = value;
            changed_ = true;
        }
    }
}

std::string CookieJar::CookieHeader() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, value] : cookies_) {
        if (!out.empty())
            out += "; ";
        out += name + "=" + value;
    }
    return out;
}

std::map<std::string, std::string> CookieJar::Snapshot() const {
    std::lock_guard lock(mutex_);
    return cookies_;
}

bool CookieJar::Empty() const {
    std::lock_guard lock(mutex_);
    return cookies_.empty();
}

bool CookieJar::TakeChanged() {
    std::lock_guard lock(mutex_);
    const bool changed = changed_;
    changed_ = false;
    return changed;
}

} // namespace sealpost::client
