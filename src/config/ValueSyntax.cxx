#include "ValueSyntax.hxx"
#include "IpNetwork.hxx"
#include "util/Text.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <stdexcept>

namespace sealpost {

namespace {

[[noreturn]] void Fail(std::string message) {
    throw std::invalid_argument(std::move(message));
}

bool IsLabelChar(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool IsDomainSyntax(std::string_view name) noexcept {
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        const auto label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), IsLabelChar))
            return false;
        if (dot == std::string_view::npos)
            return !std::all_of(label.begin(), label.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
        start = dot + 1;
    }
}

bool IsPort(std::string_view text) noexcept {
    unsigned number = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, number);
    return !text.empty() && ec == std::errc() && ptr == end && number >= 1 && number <= 65535;
}

/// HOST[:PORT] of a URL: a DNS name, an IPv4 literal or a bracketed IPv6 literal.
bool IsAuthority(std::string_view authority) noexcept {
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos || !IsIpv6Literal(authority.substr(1, close - 1)))
            return false;
        const auto after = authority.substr(close + 1);
        return after.empty() || (after.starts_with(':') && IsPort(after.substr(1)));
    }
    auto host = authority;
    if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        if (!IsPort(authority.substr(colon + 1)))
            return false;
        host = authority.substr(0, colon);
    }
    return IsIpv4Literal(host) || IsDomainSyntax(LowerAscii(host));
}

struct SchemeAndRest {
    std::string_view scheme;
    std::string_view rest;
};

/// Splits "scheme://rest" when the scheme (case-insensitive) is one of schemes.
std::optional<SchemeAndRest> SplitScheme(std::string_view text,
                                         std::initializer_list<std::string_view> schemes) {
    for (const auto scheme : schemes) {
        const auto prefix = fmt::format("{}://", scheme);
        if (text.size() >= prefix.size() && LowerAscii(text.substr(0, prefix.size())) == prefix)
            return SchemeAndRest{scheme, text.substr(prefix.size())};
    }
    return std::nullopt;
}

} // namespace

void RequireSingleLine(std::string_view text) {
    if (std::any_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        Fail("must be one line without control characters");
}

std::string ParseDomainName(std::string_view text) {
    if (text.starts_with('@'))
        Fail(fmt::format("\"{}\" is not a domain name (write it without the \"@\")", text));
    if (text.find('@') != std::string_view::npos)
        Fail(fmt::format("\"{}\" is an e-mail address; expected a domain name such as "
                         "\"regionuppsala.se\"",
                         text));
    std::string lower = LowerAscii(text);
    if (!IsDomainSyntax(lower))
        Fail(fmt::format("expected a domain name such as \"regionuppsala.se\", got \"{}\"", text));
    return lower;
}

std::string ParseMailAddress(std::string_view text) {
    const auto at = text.rfind('@');
    const auto local = text.substr(0, at == std::string_view::npos ? 0 : at);
    const bool local_ok = !local.empty() && std::none_of(local.begin(), local.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == ',' ||
               c == ';' || c == '"' || c == 0x7f;
    });
    if (at == std::string_view::npos || !local_ok ||
        !IsDomainSyntax(LowerAscii(text.substr(at + 1))))
        Fail(fmt::format("expected an e-mail address such as \"admin@example.org\", got \"{}\"",
                         text));
    return std::string(text);
}

std::string ParseMailbox(std::string_view text) {
    RequireSingleLine(text);
    const auto open = text.find('<');
    if (open == std::string_view::npos) {
        ParseMailAddress(text);
        return std::string(text);
    }
    if (!text.ends_with('>'))
        Fail(fmt::format("expected \"Name <address@example.org>\", got \"{}\"", text));
    try {
        ParseMailAddress(text.substr(open + 1, text.size() - open - 2));
    } catch (const std::invalid_argument&) {
        Fail(fmt::format("expected \"Name <address@example.org>\", got \"{}\"", text));
    }
    return std::string(text);
}

std::string ParseHttpUrl(std::string_view text) {
    const auto split = SplitScheme(text, {"https", "http"});
    if (!split)
        Fail(fmt::format("expected an http:// or https:// URL, got \"{}\"", text));
    const auto [scheme, rest] = *split;
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos || !IsAuthority(authority))
        Fail(fmt::format("expected a host name or IP address after {}://, got \"{}\"", scheme,
                         text));
    if (path.find_first_of("?# ") != std::string_view::npos)
        Fail(fmt::format("expected a URL without query, fragment or spaces, got \"{}\"", text));
    RequireSingleLine(path);
    while (path.ends_with('/'))
        path.remove_suffix(1);
    return fmt::format("{}://{}{}", scheme, authority, path);
}

std::string ParseSmtpUrl(std::string_view text) {
    const auto split = SplitScheme(text, {"smtps", "smtp"});
    if (!split)
        Fail(fmt::format("expected smtp://HOST[:PORT] or smtps://HOST[:PORT], got \"{}\"", text));
    const auto scheme = split->scheme;
    auto rest = split->rest;
    while (rest.ends_with('/'))
        rest.remove_suffix(1);
    if (rest.find('@') != std::string_view::npos)
        Fail("put the user name and password in mail.smtp_username and mail.smtp_password, "
             "not in the URL");
    if (!IsAuthority(rest))
        Fail(fmt::format("expected smtp://HOST[:PORT] or smtps://HOST[:PORT], got \"{}\"", text));
    return fmt::format("{}://{}", scheme, rest);
}

} // namespace sealpost
