// The texts of sealpost's notification e-mails in every embedded language
// (templates/<language>/, see templates/EmbeddedTemplates.hxx): for each kind
// a subject, a plain-text body and an HTML body (inside the language's
// layout.html), plus small line templates such as one recipient's download
// status. All are loaded and checked against the placeholders their kind
// supplies when the object is made, so a broken template stops the server at
// start instead of failing a mail later.
//
// Immutable after construction: any thread may render concurrently.
#pragma once

#include "mail/MailTemplate.hxx"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

enum class NotificationKind {
    verification_code,
    recipient_notification,
    sender_confirmation,
    download_receipt,
    revocation_notice,
    expiry_notice,
    lockout_notice,
    deletion_notice,
};

/// "verification_code", … : the outbox label and the template file stem.
std::string_view NotificationKindName(NotificationKind kind) noexcept;

struct RenderedTexts {
    std::string subject;
    std::string text;
    std::string html;
};

class NotificationTexts {
public:
    /// Loads every embedded template. Throws std::invalid_argument naming the
    /// file when one is missing or malformed, or uses an unknown placeholder.
    NotificationTexts();

    /// The embedded language for a requested tag: "sv", "SV", "sv-SE" → "sv";
    /// anything unknown or empty → "en".
    std::string_view Language(std::string_view requested) const noexcept;

    /// The three texts of one notification. Values missing from `values`
    /// render as empty. The text body has tidy blank lines and ends with a
    /// line break; the subject is one line.
    RenderedTexts Render(std::string_view language, NotificationKind kind,
                         const TemplateValues& values) const;

    /// One line from a line template (e.g. "expiry_notice.line"), plain text.
    std::string RenderLine(std::string_view language, std::string_view name,
                           const TemplateValues& values) const;

    std::vector<std::string> Languages() const;

private:
    struct Set {
        std::map<std::string, MailTemplate, std::less<>> templates;
    };
    const MailTemplate& Find(std::string_view language, std::string_view name) const;

    std::map<std::string, Set, std::less<>> languages_;
};

} // namespace sealpost
