#include "mail/MailTemplate.hxx"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace sealpost;

namespace {

const std::set<std::string, std::less<>> kKeys{"name",  "url",   "message",
                                               "files", "phone", "sender.name"};

std::string Render(std::string_view source, const TemplateValues& values,
                   TemplateEscape escape = TemplateEscape::none) {
    return MailTemplate::Load(source, kKeys).Render(values, escape);
}

std::string LoadError(std::string_view source) {
    try {
        MailTemplate::Load(source, kKeys);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "loaded";
}

} // namespace

TEST_CASE("placeholders are substituted") {
    CHECK(Render("Hello {{name}}, see {{ url }}.", {{"name", "Bo"}, {"url", "https://x/d/1"}}) ==
          "Hello Bo, see https://x/d/1.");
    CHECK(Render("{{sender.name}}", {{"sender.name", "Anna"}}) == "Anna");
    CHECK(Render("no tags at all", {}) == "no tags at all");
    CHECK(Render("", {}).empty());
    CHECK(Render("missing: [{{name}}]", {}) == "missing: []");
}

TEST_CASE("values are HTML-escaped in the HTML variant only; template text never") {
    const TemplateValues values{{"name", "<script>alert('x')</script> & \"Bo\""}};
    CHECK(Render("<p>{{name}}</p>", values, TemplateEscape::html) ==
          "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bo&quot;</p>");
    CHECK(Render("<p>{{name}}</p>", values, TemplateEscape::none) ==
          "<p><script>alert('x')</script> & \"Bo\"</p>");
    // A value that looks like a tag is not expanded again.
    CHECK(Render("{{name}}", {{"name", "{{url}}"}}) == "{{url}}");
}

TEST_CASE("if sections, else and nesting") {
    const std::string_view source = "A{{#if files}}[files: {{files}}]{{else}}[hidden]{{/if}}B"
                                    "{{#if phone}}({{#if name}}{{name}}: {{/if}}{{phone}}){{/if}}";
    CHECK(Render(source, {{"files", "a.pdf"}, {"phone", "070"}, {"name", "Bo"}}) ==
          "A[files: a.pdf]B(Bo: 070)");
    CHECK(Render(source, {{"phone", "070"}}) == "A[hidden]B(070)");
    CHECK(Render(source, {{"files", ""}}) == "A[hidden]B");
    CHECK(Render("{{#if name}}\nline\n{{/if}}", {{"name", "x"}}) == "\nline\n");
}

TEST_CASE("unknown placeholders and malformed tags fail at load time") {
    CHECK(LoadError("Hello\n{{nmae}}") == "line 2: unknown placeholder {{nmae}}");
    CHECK(LoadError("{{#if nmae}}x{{/if}}") == "line 1: unknown placeholder {{nmae}}");
    CHECK(LoadError("a\nb\n{{#if name}}x") == "line 3: {{#if name}} is not closed with {{/if}}");
    CHECK(LoadError("x{{/if}}") == "line 1: {{/if}} without {{#if}}");
    CHECK(LoadError("{{else}}") == "line 1: {{else}} outside an {{#if}} section");
    CHECK(LoadError("{{#if name}}{{else}}{{else}}{{/if}}") ==
          "line 1: {{else}} outside an {{#if}} section");
    CHECK(LoadError("{{#each files}}{{/each}}") == "line 1: unknown directive {{#each files}}");
    CHECK(LoadError("{{na me}}") == "line 1: \"na me\" is not a valid placeholder name");
    CHECK(LoadError("{{}}") == "line 1: \"\" is not a valid placeholder name");
    CHECK(LoadError("text {{name") == "line 1: \"{{\" without \"}}\"");
    CHECK(LoadError("{{#if name}}{{name}}{{/if}} and }} alone") == "loaded");
}
