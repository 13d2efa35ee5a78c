// The template language of the notification texts (subject, text and HTML
// bodies, one set per language): literal text with
//   {{key}}                     the value of `key`,
//   {{#if key}} … {{/if}}       the inner part only when `key` is non-empty,
//   {{#if key}} … {{else}} … {{/if}}
// Sections nest. Keys are letters, digits, '_' and '.'. Load checks the whole
// template against the keys the caller will supply, so a misspelt
// placeholder fails when the template is loaded, not when a mail is sent.
// Rendering HTML-escapes values (never the template text) for the HTML
// variant and copies them unchanged for the text variant. A loaded template
// is immutable: any thread may render it concurrently.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

enum class TemplateEscape { none, html };

using TemplateValues = std::map<std::string, std::string, std::less<>>;

class MailTemplate {
public:
    /// Throws std::invalid_argument "line N: …" for an unknown key, a
    /// malformed tag, or an unbalanced section.
    static MailTemplate Load(std::string_view source,
                             const std::set<std::string, std::less<>>& known_keys);

    /// Keys missing from `values` render as empty (and count as false).
    std::string Render(const TemplateValues& values, TemplateEscape escape) const;

    struct Node {
        enum class Kind { text, value, section } kind;
        std::string text; // literal text, or the key
        std::vector<Node> then_nodes;
        std::vector<Node> else_nodes;
    };

private:
    explicit MailTemplate(std::vector<Node> nodes) : nodes_(std::move(nodes)) {}

    std::vector<Node> nodes_;
};

/// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

} // namespace sealpost
