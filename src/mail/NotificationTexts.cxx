#include "mail/NotificationTexts.hxx"

#include "mail/templates/EmbeddedTemplates.hxx"
#include "policy/EmailAddress.hxx"

#include <fmt/format.h>

#include <array>
#include <set>
#include <stdexcept>

namespace sealpost {

namespace {

using Keys = std::set<std::string, std::less<>>;

constexpr std::string_view kDefaultLanguage = "en";
constexpr std::string_view kContentMarker = "<!-- content -->";

constexpr std::array kKinds = {
    NotificationKind::verification_code,   NotificationKind::recipient_notification,
    NotificationKind::sender_confirmation, NotificationKind::download_receipt,
    NotificationKind::revocation_notice,   NotificationKind::expiry_notice,
    NotificationKind::lockout_notice,      NotificationKind::deletion_notice,
};

/// The placeholders each kind supplies (Notifications.cxx fills them), in
/// addition to the common ones.
Keys KeysOf(NotificationKind kind) {
    Keys keys{"service", "public_url"};
    const auto add = [&](std::initializer_list<const char*> more) {
        keys.insert(more.begin(), more.end());
    };
    switch (kind) {
    case NotificationKind::verification_code:
        add({"name", "code", "valid_minutes"});
        break;
    case NotificationKind::recipient_notification:
        add({"recipient_name", "sender_name", "sender_email", "sender_phone", "link", "expires",
             "custom_body", "file_names", "has_message", "password_required"});
        break;
    case NotificationKind::sender_confirmation:
        add({"name", "tracking_id", "tracking_link", "revoke_link", "recipients", "expires",
             "file_count", "has_message"});
        break;
    case NotificationKind::download_receipt:
        add({"name", "tracking_id", "tracking_link", "recipient", "downloaded_at", "item",
             "expires"});
        break;
    case NotificationKind::revocation_notice:
        add({"sender_name", "sender_email", "revoked_at"});
        break;
    case NotificationKind::expiry_notice:
        add({"name", "tracking_id", "expired_at", "download_status"});
        break;
    case NotificationKind::lockout_notice:
        add({"for_admin", "name", "tracking_id", "sender_email", "failed_attempts",
             "locked_until"});
        break;
    case NotificationKind::deletion_notice:
        add({"for_admin", "name", "tracking_id", "sender_email", "failed_attempts", "deleted_at"});
        break;
    }
    return keys;
}

const std::map<std::string, Keys, std::less<>>& LineTemplates() {
    static const std::map<std::string, Keys, std::less<>> lines{
        {"expiry_notice.line", {"recipient", "downloads", "last_download"}},
    };
    return lines;
}

std::string_view Source(std::string_view language, std::string_view name) {
    for (const auto& entry : mail_templates::All())
        if (entry.language == language && entry.name == name)
            return entry.text;
    throw std::invalid_argument(fmt::format("mail template {}/{} is missing", language, name));
}

MailTemplate LoadChecked(std::string_view language, std::string_view name, std::string_view source,
                         const Keys& keys) {
    try {
        return MailTemplate::Load(source, keys);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(
            fmt::format("mail template {}/{}: {}", language, name, e.what()));
    }
}

/// Plain-text bodies: LF line breaks, no trailing blanks, at most one empty
/// line in a row, none at either end, a final line break.
std::string TidyText(std::string_view text) {
    std::string out;
    std::string line;
    int empty_lines = 0;
    const auto flush = [&] {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.pop_back();
        if (line.empty()) {
            ++empty_lines;
        } else {
            if (!out.empty())
                out.append(empty_lines > 0 ? "\n\n" : "\n");
            out += line;
            empty_lines = 0;
        }
        line.clear();
    };
    for (char c : text) {
        if (c == '\n')
            flush();
        else
            line.push_back(c);
    }
    flush();
    return out + "\n";
}

/// One line: every run of white space becomes one space.
std::string OneLine(std::string_view text) {
    std::string out;
    for (char c : text) {
        const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (space && (out.empty() || out.back() == ' '))
            continue;
        out.push_back(space ? ' ' : c);
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

} // namespace

std::string_view NotificationKindName(NotificationKind kind) noexcept {
    switch (kind) {
    case NotificationKind::verification_code:
        return "verification_code";
    case NotificationKind::recipient_notification:
        return "recipient_notification";
    case NotificationKind::sender_confirmation:
        return "sender_confirmation";
    case NotificationKind::download_receipt:
        return "download_receipt";
    case NotificationKind::revocation_notice:
        return "revocation_notice";
    case NotificationKind::expiry_notice:
        return "expiry_notice";
    case NotificationKind::lockout_notice:
        return "lockout_notice";
    case NotificationKind::deletion_notice:
        return "deletion_notice";
    }
    return "unknown";
}

NotificationTexts::NotificationTexts() {
    std::set<std::string, std::less<>> languages;
    for (const auto& entry : mail_templates::All())
        languages.emplace(entry.language);
    if (!languages.contains(kDefaultLanguage))
        throw std::invalid_argument("the English mail templates are missing");
    for (const std::string& language : languages) {
        Set& set = languages_[language];
        const std::string_view layout = Source(language, "layout.html");
        const std::size_t marker = layout.find(kContentMarker);
        if (marker == layout.npos)
            throw std::invalid_argument(
                fmt::format("mail template {}/layout.html has no {}", language, kContentMarker));
        for (NotificationKind kind : kKinds) {
            const std::string stem(NotificationKindName(kind));
            const Keys keys = KeysOf(kind);
            for (const char* suffix : {".subject", ".txt"}) {
                const std::string name = stem + suffix;
                set.templates.emplace(name,
                                      LoadChecked(language, name, Source(language, name), keys));
            }
            const std::string html_name = stem + ".html";
            const std::string html = std::string(layout.substr(0, marker)) +
                                     std::string(Source(language, html_name)) +
                                     std::string(layout.substr(marker + kContentMarker.size()));
            set.templates.emplace(html_name, LoadChecked(language, html_name, html, keys));
        }
        for (const auto& [name, keys] : LineTemplates())
            set.templates.emplace(name, LoadChecked(language, name, Source(language, name), keys));
    }
}

std::string_view NotificationTexts::Language(std::string_view requested) const noexcept {
    const std::string_view primary = requested.substr(0, requested.find_first_of("-_"));
    for (const auto& [language, set] : languages_)
        if (primary.size() == language.size() &&
            std::equal(primary.begin(), primary.end(), language.begin(),
                       [](char a, char b) { return (a | 0x20) == b; }))
            return language;
    return kDefaultLanguage;
}

const MailTemplate& NotificationTexts::Find(std::string_view language,
                                            std::string_view name) const {
    const auto set = languages_.find(Language(language));
    const auto found = set->second.templates.find(name);
    if (found == set->second.templates.end())
        throw std::invalid_argument(fmt::format("no mail template {}", name));
    return found->second;
}

RenderedTexts NotificationTexts::Render(std::string_view language, NotificationKind kind,
                                        const TemplateValues& values) const {
    const std::string stem(NotificationKindName(kind));
    return {
        OneLine(Find(language, stem + ".subject").Render(values, TemplateEscape::none)),
        TidyText(Find(language, stem + ".txt").Render(values, TemplateEscape::none)),
        Find(language, stem + ".html").Render(values, TemplateEscape::html),
    };
}

std::string NotificationTexts::RenderLine(std::string_view language, std::string_view name,
                                          const TemplateValues& values) const {
    return OneLine(Find(language, name).Render(values, TemplateEscape::none));
}

std::vector<std::string> NotificationTexts::Languages() const {
    std::vector<std::string> out;
    for (const auto& [language, set] : languages_)
        out.push_back(language);
    return out;
}

} // namespace sealpost
