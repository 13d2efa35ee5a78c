// The notification templates compiled into the binary: every file under
// src/mail/templates/<language>/ (subject, text, HTML and line templates, and
// the HTML layout), turned into a table by embed_templates.py at build time.
// Read-only static data; any thread.
#pragma once

#include <span>
#include <string_view>

namespace sealpost::mail_templates {

struct EmbeddedTemplate {
    std::string_view language; ///< "en", "sv"
    std::string_view name;     ///< file name, e.g. "expiry_notice.txt"
    std::string_view text;     ///< UTF-8 template source
};

std::span<const EmbeddedTemplate> All() noexcept;

} // namespace sealpost::mail_templates
