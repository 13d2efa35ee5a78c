// libFuzzer target: the notification e-mails (mail/Notifications.hxx) with
// hostile values — sender name, phone and address, subject, body, file names,
// language — and the template language itself (mail/MailTemplate.hxx). The
// input holds the values separated by NUL.
// Invariants: the rendered message has CRLF line endings only, no line over
// 998 bytes, and exactly the header fields a harmless message has (nothing a
// user typed starts a header); an HTML-escaped value holds no markup
// character; a template either loads or is refused with invalid_argument.
#include "FuzzCheck.hxx"
#include "mail/MailTemplate.hxx"
#include "mail/Notifications.hxx"

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace sealpost;

namespace {

const Notifications& Mails() {
    static const Notifications notifications{NotificationSettings{}};
    return notifications;
}

/// The names of the header fields ("Subject", …), in order; checks the lines.
std::multiset<std::string> HeaderNames(const std::string& message) {
    std::multiset<std::string> names;
    const auto head_end = message.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string::npos);
    std::size_t pos = 0;
    while (pos < message.size()) {
        const auto eol = message.find("\r\n", pos);
        FUZZ_CHECK(eol != std::string::npos);
        const std::string_view line(message.data() + pos, eol - pos);
        FUZZ_CHECK(line.size() <= 998);
        FUZZ_CHECK(line.find('\r') == std::string_view::npos);
        FUZZ_CHECK(line.find('\n') == std::string_view::npos);
        if (pos < head_end + 2 && !line.empty() && line[0] != ' ' && line[0] != '\t') {
            const auto colon = line.find(':');
            FUZZ_CHECK(colon != std::string_view::npos);
            names.emplace(line.substr(0, colon));
        }
        pos = eol + 2;
    }
    return names;
}

Mailbox SafeMailbox(std::string_view name, std::string_view address) {
    try {
        return Mailbox::Make(name, address);
    } catch (const std::invalid_argument&) {
        return Mailbox::Make(name, "someone@example.org");
    }
}

RecipientNotificationMail Recipient(const std::vector<std::string_view>& v) {
    const auto at = [&](std::size_t i) { return i < v.size() ? v[i] : std::string_view(); };
    RecipientNotificationMail mail{.language = std::string(at(0)), .to = SafeMailbox(at(1), at(2))};
    mail.transfer_id = "t0";
    mail.download_id = std::string(at(3));
    mail.sender = {std::string(at(4)), std::string(at(5)), std::string(at(6))};
    mail.expires_at = std::chrono::system_clock::time_point{} + std::chrono::hours(490'000);
    for (std::size_t i = 9; i < v.size(); ++i)
        mail.file_names.emplace_back(v[i]);
    mail.show_file_names = true;
    mail.has_message = true;
    if (!at(7).empty())
        mail.custom_subject = std::string(at(7));
    if (!at(8).empty())
        mail.custom_body = std::string(at(8));
    return mail;
}

void CheckAgainstHarmless(const Notification& hostile, const Notification& harmless) {
    // Reply-To is there when the sender's address is valid, whatever its name.
    auto a = HeaderNames(hostile.message.Render());
    auto b = HeaderNames(harmless.message.Render());
    a.erase("Reply-To");
    b.erase("Reply-To");
    FUZZ_CHECK(a == b);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> values;
    for (std::size_t pos = 0;;) {
        const auto end = input.find('\0', pos);
        values.push_back(input.substr(pos, end == std::string_view::npos ? end : end - pos));
        if (end == std::string_view::npos)
            break;
        pos = end + 1;
    }

    const auto hostile = Recipient(values);
    const std::vector<std::string_view> plain{
        "en",     "Ann",   "ann@example.org", "d1",   "Bo", "bo@example.org",
        "+46 70", "Files", "Hello",           "a.pdf"};
    auto harmless = Recipient(plain);
    harmless.language = hostile.language;
    harmless.custom_subject =
        hostile.custom_subject ? std::optional<std::string>("Files") : std::nullopt;
    harmless.custom_body = hostile.custom_body ? std::optional<std::string>("Hello") : std::nullopt;
    harmless.to.display_name = hostile.to.display_name.empty() ? "" : "Ann";
    CheckAgainstHarmless(Mails().RecipientNotification(hostile),
                         Mails().RecipientNotification(harmless));

    DownloadReceiptMail receipt{hostile.language,
                                hostile.to,
                                "t0",
                                std::string(values.size() > 4 ? values[4] : ""),
                                hostile.expires_at,
                                std::string(values.back()),
                                hostile.expires_at};
    (void)HeaderNames(Mails().DownloadReceipt(receipt).message.Render());
    RevocationNoticeMail revoked{hostile.language, hostile.to, "t0", hostile.sender,
                                 hostile.expires_at};
    (void)HeaderNames(Mails().RevocationNotice(revoked).message.Render());

    // The template language on the same bytes, and HTML escaping of values.
    try {
        const auto tmpl = MailTemplate::Load(input, {"a", "b", "c.d"});
        (void)tmpl.Render({{"a", std::string(input)}, {"b", ""}}, TemplateEscape::html);
    } catch (const std::invalid_argument&) {
    }
    const auto value = MailTemplate::Load("<p>{{a}}</p>", {"a"});
    const std::string html = value.Render({{"a", std::string(input)}}, TemplateEscape::html);
    FUZZ_CHECK(html.substr(3, html.size() - 7).find_first_of("<>\"'") == std::string::npos);
    return 0;
}
