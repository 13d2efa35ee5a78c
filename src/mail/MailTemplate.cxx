#include "mail/MailTemplate.hxx"
#include "util/Text.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sealpost {

namespace {

bool IsKey(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.';
    });
}

using Node = MailTemplate::Node;

// An open {{#if}}: where its nodes go, and where it started for messages.
struct OpenSection {
    Node node;
    bool in_else = false;
    std::size_t line = 0;

    std::vector<Node>& Target() { return in_else ? node.else_nodes : node.then_nodes; }
};

class TemplateParser {
public:
    TemplateParser(std::string_view source, const std::set<std::string, std::less<>>& known)
        : source_(source), known_(known) {}

    std::vector<Node> Run() {
        std::size_t pos = 0;
        while (pos < source_.size()) {
            const std::size_t open = source_.find("{{", pos);
            if (open == source_.npos) {
                AddText(source_.substr(pos));
                break;
            }
            AddText(source_.substr(pos, open - pos));
            const std::size_t close = source_.find("}}", open + 2);
            if (close == source_.npos)
                Fail(open, "\"{{\" without \"}}\"");
            Tag(open, TrimBlanks(source_.substr(open + 2, close - open - 2)));
            pos = close + 2;
        }
        if (!stack_.empty())
            throw std::invalid_argument(
                fmt::format("line {}: {{{{#if {}}}}} is not closed with {{{{/if}}}}",
                            stack_.back().line, stack_.back().node.text));
        return std::move(root_);
    }

private:
    [[noreturn]] void Fail(std::size_t at, std::string_view what) const {
        const auto line = 1 + std::count(source_.begin(), source_.begin() + at, '\n');
        throw std::invalid_argument(fmt::format("line {}: {}", line, what));
    }

    std::vector<Node>& Target() { return stack_.empty() ? root_ : stack_.back().Target(); }

    void AddText(std::string_view text) {
        if (!text.empty())
            Target().push_back(Node{Node::Kind::text, std::string(text), {}, {}});
    }

    std::string CheckedKey(std::size_t at, std::string_view key) const {
        if (!IsKey(key))
            Fail(at, fmt::format("\"{}\" is not a valid placeholder name", key));
        if (!known_.contains(key))
            Fail(at, fmt::format("unknown placeholder {{{{{}}}}}", key));
        return std::string(key);
    }

    void Tag(std::size_t at, std::string_view tag) {
        if (tag.starts_with("#if ") || tag.starts_with("#if\t")) {
            const auto line = static_cast<std::size_t>(
                1 + std::count(source_.begin(), source_.begin() + at, '\n'));
            stack_.push_back(OpenSection{
                Node{Node::Kind::section, CheckedKey(at, TrimBlanks(tag.substr(4))), {}, {}}, false,
                line});
        } else if (tag == "else") {
            if (stack_.empty() || stack_.back().in_else)
                Fail(at, "{{else}} outside an {{#if}} section");
            stack_.back().in_else = true;
        } else if (tag == "/if") {
            if (stack_.empty())
                Fail(at, "{{/if}} without {{#if}}");
            Node done = std::move(stack_.back().node);
            stack_.pop_back();
            Target().push_back(std::move(done));
        } else if (tag.starts_with('#') || tag.starts_with('/')) {
            Fail(at, fmt::format("unknown directive {{{{{}}}}}", tag));
        } else {
            Target().push_back(Node{Node::Kind::value, CheckedKey(at, tag), {}, {}});
        }
    }

    std::string_view source_;
    const std::set<std::string, std::less<>>& known_;
    std::vector<Node> root_;
    std::vector<OpenSection> stack_;
};

std::string_view Lookup(const TemplateValues& values, std::string_view key) {
    const auto i = values.find(key);
    return i == values.end() ? std::string_view{} : std::string_view{i->second};
}

void RenderNodes(const std::vector<Node>& nodes, const TemplateValues& values,
                 TemplateEscape escape, std::string& out) {
    for (const Node& node : nodes) {
        switch (node.kind) {
        case Node::Kind::text:
            out += node.text;
            break;
        case Node::Kind::value:
            if (escape == TemplateEscape::html)
                out += HtmlEscape(Lookup(values, node.text));
            else
                out += Lookup(values, node.text);
            break;
        case Node::Kind::section:
            RenderNodes(Lookup(values, node.text).empty() ? node.else_nodes : node.then_nodes,
                        values, escape, out);
            break;
        }
    }
}

} // namespace

MailTemplate MailTemplate::Load(std::string_view source,
                                const std::set<std::string, std::less<>>& known_keys) {
    return MailTemplate{TemplateParser{source, known_keys}.Run()};
}

std::string MailTemplate::Render(const TemplateValues& values, TemplateEscape escape) const {
    std::string out;
    RenderNodes(nodes_, values, escape, out);
    return out;
}

std::string HtmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace sealpost
