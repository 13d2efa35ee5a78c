#include "mail/MailMessage.hxx"

#include "lib/sodium/Random.hxx"
#include "mail/HeaderEncoding.hxx"
#include "mail/MailDate.hxx"
#include "mail/QuotedPrintable.hxx"
#include "policy/Utf8.hxx"
#include "util/Base64.hxx"
#include "util/Hex.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace sealpost {

namespace {

// Fields the message writes itself; an extra header may not repeat them.
constexpr std::array<std::string_view, 11> kReservedHeaders = {
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
};

bool IsReserved(std::string_view name) {
    const std::string lower = AsciiLower(name);
    return std::find(kReservedHeaders.begin(), kReservedHeaders.end(), lower) !=
           kReservedHeaders.end();
}

void CheckMessageId(std::string_view id) {
    const bool shape = id.size() >= 5 && id.front() == '<' && id.back() == '>' &&
                       std::count(id.begin(), id.end(), '@') == 1;
    const std::string_view inner = shape ? id.substr(1, id.size() - 2) : id;
    const bool characters = std::all_of(inner.begin(), inner.end(), [](char c) {
        return c > 0x20 && c < 0x7f && c != '<' && c != '>';
    });
    if (!shape || !characters || inner.front() == '@' || inner.back() == '@')
        throw std::invalid_argument(fmt::format("malformed Message-ID \"{}\"", id));
}

std::string Part(std::string_view content_type, std::string_view encoded_body) {
    return fmt::format("Content-Type: {}; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n"
                       "\r\n"
                       "{}\r\n",
                       content_type, encoded_body);
}

// "=_" can never occur in quoted-printable output (a literal "=" is written
// as =3D), so the boundary cannot collide with a body; the check below keeps
// that true should the encoding ever change.
std::string NewBoundary(std::string_view text, std::string_view html) {
    for (;;) {
        std::array<std::uint8_t, 18> random;
        sodium::RandomBytes(random);
        std::string boundary = "=_sp_" + Base64Encode(random, Base64Alphabet::url, false);
        if (text.find(boundary) == text.npos && html.find(boundary) == html.npos)
            return boundary;
    }
}

} // namespace

std::string MailMessage::NewMessageId(std::string_view domain) {
    AddressError error;
    if (!EmailAddress::ValidateDomain(domain, &error, {.allow_single_label_domain = true}))
        throw std::invalid_argument(
            fmt::format("unusable Message-ID domain \"{}\": {}", domain, error.message));
    std::array<std::uint8_t, 16> random;
    sodium::RandomBytes(random);
    return fmt::format("<{}@{}>", HexEncode(random), AsciiLower(domain));
}

std::string MailMessage::Render() const {
    if (to.empty() && cc.empty() && bcc.empty())
        throw std::invalid_argument("a message needs at least one recipient");
    for (const MailHeader& header : extra_headers)
        if (!IsValidHeaderName(header.name) || IsReserved(header.name))
            throw std::invalid_argument(
                fmt::format("\"{}\" cannot be added as a header", header.name));
    std::string id = message_id;
    if (id.empty())
        id = NewMessageId(message_id_domain.empty() ? from.address.Domain() : message_id_domain);
    CheckMessageId(id);

    std::string out = RenderAddressHeader("From", {&from, 1});
    if (!to.empty())
        out += RenderAddressHeader("To", to);
    if (!cc.empty())
        out += RenderAddressHeader("Cc", cc);
    if (to.empty() && cc.empty())
        out += "To: undisclosed-recipients:;\r\n";
    if (reply_to)
        out += RenderAddressHeader("Reply-To", {&*reply_to, 1});
    out += RenderUnstructuredHeader("Subject", subject);
    out += "Date: " + FormatMailDate(date.value_or(std::chrono::system_clock::now())) + "\r\n";
    out += "Message-ID: " + id + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    for (const MailHeader& header : extra_headers)
        out += RenderUnstructuredHeader(header.name, header.value);

    const std::string text = QuotedPrintableEncode(utf8::Sanitize(text_body));
    if (!html_body) {
        out += Part("text/plain", text);
        return out;
    }
    const std::string html = QuotedPrintableEncode(utf8::Sanitize(*html_body));
    const std::string boundary = NewBoundary(text, html);
    out += fmt::format("Content-Type: multipart/alternative; boundary=\"{}\"\r\n"
                       "\r\n"
                       "--{}\r\n{}"
                       "--{}\r\n{}"
                       "--{}--\r\n",
                       boundary, boundary, Part("text/plain", text), boundary,
                       Part("text/html", html), boundary);
    return out;
}

std::vector<std::string> MailMessage::EnvelopeRecipients() const {
    std::vector<const EmailAddress*> unique;
    for (const auto* list : {&to, &cc, &bcc})
        for (const Mailbox& mailbox : *list)
            if (std::none_of(unique.begin(), unique.end(), [&](const EmailAddress* a) {
                    return a->SameMailbox(mailbox.address);
                }))
                unique.push_back(&mailbox.address);
    std::vector<std::string> out;
    for (const EmailAddress* address : unique)
        out.push_back(address->ToString());
    return out;
}

} // namespace sealpost
