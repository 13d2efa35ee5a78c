#include "mail/Mailbox.hxx"
#include "util/Text.hxx"

#include <fmt/format.h>

#include <stdexcept>

namespace sealpost {

namespace {

std::string Unquote(std::string_view name) {
    if (name.size() < 2 || name.front() != '"' || name.back() != '"')
        return std::string(name);
    std::string out;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
        if (name[i] == '\\' && i + 2 < name.size())
            ++i;
        out.push_back(name[i]);
    }
    return out;
}

} // namespace

Mailbox Mailbox::Make(std::string_view display_name, std::string_view address) {
    AddressError error;
    auto parsed = EmailAddress::Parse(address, &error, {.allow_single_label_domain = true});
    if (!parsed)
        throw std::invalid_argument(
            fmt::format("unusable e-mail address \"{}\": {}", address, error.message));
    return Mailbox{std::string(display_name), std::move(*parsed)};
}

Mailbox Mailbox::Parse(std::string_view text) {
    text = TrimBlanks(text);
    const std::size_t open = text.rfind('<');
    if (open == text.npos)
        return Make({}, text);
    if (text.back() != '>')
        throw std::invalid_argument(fmt::format("\"{}\" does not end with >", text));
    return Make(Unquote(TrimBlanks(text.substr(0, open))),
                TrimBlanks(text.substr(open + 1, text.size() - open - 2)));
}

} // namespace sealpost
