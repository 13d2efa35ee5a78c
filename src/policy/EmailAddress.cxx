#include "policy/EmailAddress.hxx"

#include <fmt/format.h>

#include <algorithm>

namespace sealpost {

std::string AsciiLower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + ('a' - 'A'));
    return out;
}

namespace {

bool Fail(AddressError* error, std::string_view code, std::string message) {
    if (error != nullptr)
        *error = AddressError{std::string(code), std::move(message)};
    return false;
}

bool IsAsciiAlnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext: the characters a dot-atom local part may contain.
bool IsAtext(char c) noexcept {
    return IsAsciiAlnum(c) ||
           std::string_view{"!#$%&'*+-/=?^_`{|}~"}.find(c) != std::string_view::npos;
}

bool IsNonAscii(char c) noexcept {
    return static_cast<unsigned char>(c) >= 0x80;
}

// Shows one offending character in a message; controls and spaces by name.
std::string Describe(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u == ' ')
        return "a space";
    if (u < 0x20 || u == 0x7f)
        return fmt::format("the control character U+{:04X}", u);
    return fmt::format("the character '{}'", c);
}

bool ValidateLocalPart(std::string_view local, AddressError* error) {
    if (local.empty())
        return Fail(error, "local_part_empty", "there is nothing before the @");
    if (local.size() > EmailAddress::kMaxLocalPart)
        return Fail(error, "local_part_too_long",
                    fmt::format("the part before the @ is {} characters long; at most {} are "
                                "allowed",
                                local.size(), EmailAddress::kMaxLocalPart));
    if (local.front() == '"')
        return Fail(error, "quoted_local_part", "quoted local parts (\"…\"@) are not supported");
    if (std::any_of(local.begin(), local.end(), IsNonAscii))
        return Fail(error, "local_part_not_ascii",
                    "the part before the @ contains non-ASCII characters, which are not "
                    "supported");
    for (char c : local)
        if (c != '.' && !IsAtext(c))
            return Fail(error, "invalid_character",
                        fmt::format("the part before the @ contains {}", Describe(c)));
    if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos)
        return Fail(error, "local_part_invalid",
                    "the part before the @ may not start or end with a dot or contain two dots "
                    "in a row");
    return true;
}

bool ValidateLabel(std::string_view label, AddressError* error) {
    if (label.empty())
        return Fail(error, "domain_invalid",
                    "the domain may not start or end with a dot or contain two dots in a row");
    if (label.size() > 63)
        return Fail(error, "domain_invalid",
                    fmt::format("the domain label \"{}\" is longer than 63 characters", label));
    for (char c : label)
        if (c != '-' && !IsAsciiAlnum(c))
            return Fail(error, "invalid_character",
                        fmt::format("the domain contains {}", Describe(c)));
    if (label.front() == '-' || label.back() == '-')
        return Fail(error, "domain_invalid",
                    fmt::format("the domain label \"{}\" starts or ends with a hyphen", label));
    return true;
}

} // namespace

bool EmailAddress::ValidateDomain(std::string_view domain, AddressError* error, Options options) {
    if (domain.empty())
        return Fail(error, "domain_empty", "there is no domain after the @");
    if (domain.size() > kMaxDomain)
        return Fail(error, "domain_too_long",
                    fmt::format("the domain is {} characters long; at most {} are allowed",
                                domain.size(), kMaxDomain));
    if (domain.front() == '[')
        return Fail(error, "domain_literal", "IP address literals ([…]) are not supported");
    if (std::any_of(domain.begin(), domain.end(), IsNonAscii))
        return Fail(error, "domain_not_ascii",
                    "the domain contains non-ASCII characters; internationalised domains must "
                    "be written in their xn-- (punycode) form");

    std::size_t labels = 0;
    std::string_view last;
    for (std::size_t start = 0;;) {
        const std::size_t dot = domain.find('.', start);
        last = domain.substr(start, dot == domain.npos ? domain.npos : dot - start);
        if (!ValidateLabel(last, error))
            return false;
        ++labels;
        if (dot == domain.npos)
            break;
        start = dot + 1;
    }
    if (labels == 1 && !options.allow_single_label_domain)
        return Fail(error, "domain_single_label",
                    fmt::format("the domain \"{}\" has no dot; a full domain such as "
                                "example.com is needed",
                                domain));
    if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Fail(error, "domain_invalid",
                    "the domain ends in a number; IP addresses are not supported");
    return true;
}

std::optional<EmailAddress> EmailAddress::Parse(std::string_view text, AddressError* error,
                                                Options options) {
    if (text.empty()) {
        Fail(error, "empty", "the address is empty");
        return std::nullopt;
    }
    // Controls, spaces and angle brackets first: they are what header injection
    // and pasted "Name <addr>" text look like, and must never pass.
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';') {
            Fail(error, "invalid_character", fmt::format("the address contains {}", Describe(c)));
            return std::nullopt;
        }
    }
    const std::size_t at = text.rfind('@');
    if (at == text.npos) {
        Fail(error, "missing_at", "the address has no @");
        return std::nullopt;
    }
    if (text.find('@') != at && text.front() != '"') {
        Fail(error, "multiple_at", "the address contains more than one @");
        return std::nullopt;
    }
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (!ValidateLocalPart(local, error) || !ValidateDomain(domain, error, options))
        return std::nullopt;
    if (text.size() > kMaxAddress) {
        Fail(error, "too_long",
             fmt::format("the address is {} characters long; at most {} are allowed", text.size(),
                         kMaxAddress));
        return std::nullopt;
    }
    return EmailAddress{std::string(local), AsciiLower(domain)};
}

std::string EmailAddress::Key() const {
    return AsciiLower(local_) + '@' + domain_;
}

bool EmailAddress::SameMailbox(const EmailAddress& other) const noexcept {
    const auto equal = [](std::string_view a, std::string_view b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
            const auto lower = [](char c) {
                return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
            };
            return lower(x) == lower(y);
        });
    };
    return domain_ == other.domain_ && equal(local_, other.local_);
}

} // namespace sealpost
