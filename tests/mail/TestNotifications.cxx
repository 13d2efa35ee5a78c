// The notification e-mails in English and Swedish: every kind renders and
// parses, links and sender details are there, the password never is, file
// names only when allowed, the sender's own subject and text replace the
// template's, and hostile names cannot add headers or HTML.
#include "mail/Notifications.hxx"

#include "MailTestSupport.hxx"

#include <catch2/catch.hpp>

#include <regex>

using namespace sealpost;
using namespace sealpost::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// 2026-11-26 13:15:37 UTC
const MailTime kNow{std::chrono::seconds{1795698937}};

Notifications Make() {
    NotificationSettings settings;
    settings.public_url = "https://files.example.se/";
    settings.from = Mailbox::Make("sealpost", "noreply@files.example.se");
    settings.admin = Mailbox::Make("Admin", "admin@files.example.se");
    return Notifications(settings);
}

RecipientNotificationMail Recipient(std::string language) {
    return {
        .language = std::move(language),
        .to = Mailbox::Make("Bo Ek", "bo@example.com"),
        .transfer_id = "t7k2m4q6s8u0w2y4a6c8e0g2i4",
        .download_id = "d3f5h7j9l1n3p5r7t9v1x3z5b7",
        .sender = {"Anna Andersson", "anna@regionuppsala.se", "+46 70 123 45 67"},
        .expires_at = kNow + 240h,
        .file_names = {"journal.pdf", "röntgen.zip"},
    };
}

/// The decoded text and HTML parts.
std::pair<std::string, std::string> Bodies(const json& parsed) {
    REQUIRE(parsed["parts"].size() == 2);
    CHECK(parsed["parts"][0]["type"] == "text/plain");
    CHECK(parsed["parts"][1]["type"] == "text/html");
    return {parsed["parts"][0]["content"].get<std::string>(),
            parsed["parts"][1]["content"].get<std::string>()};
}

json Parse(const Notification& n) {
    const json parsed = ParseWithPython(n.message.Render());
    CHECK(parsed["defects"].empty());
    return parsed;
}

bool MentionsPasswordValue(const std::string& text) {
    static const std::regex field(R"((password|lösenord)\s*[:=]\s*\S)", std::regex::icase);
    return std::regex_search(text, field);
}

} // namespace

TEST_CASE("the recipient notification carries the link and the sender, never a password") {
    const Notifications notifications = Make();
    for (const char* language : {"en", "sv"}) {
        DYNAMIC_SECTION(language) {
            const Notification n = notifications.RecipientNotification(Recipient(language));
            CHECK(n.label.kind == "recipient_notification");
            CHECK(n.label.reference == "t7k2m4q6s8u0w2y4a6c8e0g2i4");
            const json parsed = Parse(n);
            const auto [text, html] = Bodies(parsed);
            const std::string link = "https://files.example.se/d/d3f5h7j9l1n3p5r7t9v1x3z5b7";
            for (const std::string* body : {&text, &html}) {
                CHECK_THAT(*body, Catch::Contains(link));
                CHECK_THAT(*body, Catch::Contains("Anna Andersson"));
                CHECK_THAT(*body, Catch::Contains("anna@regionuppsala.se"));
                CHECK_THAT(*body, Catch::Contains("+46 70 123 45 67"));
                CHECK_THAT(*body, Catch::Contains("2026-12-06 13:15 UTC"));
                CHECK_FALSE(MentionsPasswordValue(*body));
                CHECK(body->find("journal.pdf") == std::string::npos);
            }
            CHECK_THAT(html, Catch::Contains("href=\"" + link + "\""));
            const std::string separately = std::string(language) == "sv"
                                               ? "Lösenordet finns inte i det här e-postmeddelandet"
                                               : "The password is not in this e-mail";
            CHECK_THAT(text, Catch::Contains(separately));
            CHECK_THAT(html, Catch::Contains(separately));
            CHECK(parsed["subject"] == (std::string(language) == "sv"
                                            ? "Anna Andersson har skickat filer till dig"
                                            : "Anna Andersson has sent you files"));
            CHECK(parsed["reply_to"] == json::parse(R"([{"name":"Anna Andersson",
                                                   "address":"anna@regionuppsala.se"}])"));
            CHECK(parsed["to"][0]["address"] == "bo@example.com");
            CHECK(parsed["from"][0]["address"] == "noreply@files.example.se");
        }
    }
}

TEST_CASE("file names appear only when the sender allows it") {
    RecipientNotificationMail mail = Recipient("en");
    mail.show_file_names = true;
    mail.file_names.push_back("evil\r\nBcc: x@example.com.pdf");
    const auto [text, html] = Bodies(Parse(Make().RecipientNotification(mail)));
    CHECK_THAT(text,
               Catch::Contains("- journal.pdf\n- röntgen.zip\n- evil  Bcc: x@example.com.pdf"));
    CHECK_THAT(html, Catch::Contains("- journal.pdf\n- röntgen.zip"));
}

TEST_CASE("without a password (QUICK) the mail says so instead") {
    RecipientNotificationMail mail = Recipient("en");
    mail.password_required = false;
    const auto [text, html] = Bodies(Parse(Make().RecipientNotification(mail)));
    CHECK(text.find("The password is not in this e-mail") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("QUICK"));
}

TEST_CASE("the sender's own subject and text replace the template's") {
    RecipientNotificationMail mail = Recipient("sv");
    mail.custom_subject = "Journalkopior till Bo";
    mail.custom_body = "Hej Bo!\n\nHär är kopiorna du bad om.\n/Anna";
    const json parsed = Parse(Make().RecipientNotification(mail));
    CHECK(parsed["subject"] == "Journalkopior till Bo");
    const auto [text, html] = Bodies(parsed);
    CHECK(text.starts_with("Hej Bo!\n\nHär är kopiorna du bad om.\n/Anna\n"));
    CHECK(text.find("har skickat") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("https://files.example.se/d/d3f5h7j9l1n3p5r7t9v1x3z5b7"));
    CHECK_THAT(text, Catch::Contains("Lösenordet finns inte"));
    CHECK_THAT(html, Catch::Contains("Här är kopiorna du bad om."));

    mail.custom_subject = "  ";
    CHECK(Parse(Make().RecipientNotification(mail))["subject"] ==
          "Anna Andersson har skickat filer till dig");
}

TEST_CASE("hostile names and subjects add no header and no HTML") {
    RecipientNotificationMail mail = Recipient("en");
    mail.to = Mailbox::Make("Bo\r\nBcc: evil@example.com", "bo@example.com");
    mail.sender.name = "Anna <script>alert(1)</script>\r\nBcc: evil@example.com";
    mail.sender.phone = "070\nX-Injected: yes";
    mail.custom_subject = "Files\r\nBcc: evil@example.com\r\nX-Injected: yes";
    const Notification n = Make().RecipientNotification(mail);
    const std::string rendered = n.message.Render();
    CHECK(CountHeader(rendered, "Bcc") == 0);
    CHECK(CountHeader(rendered, "X-Injected") == 0);
    const json parsed = ParseWithPython(rendered);
    CHECK(parsed["defects"].empty());
    CHECK(parsed["header_names"] ==
          json::parse(R"(["From","To","Reply-To","Subject","Date","Message-ID","MIME-Version",
                          "Auto-Submitted","Content-Language","Content-Type"])"));
    CHECK(parsed["subject"] == "Files Bcc: evil@example.com X-Injected: yes");
    const auto [text, html] = Bodies(parsed);
    CHECK(html.find("<script>") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("Anna &lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(n.message.EnvelopeRecipients() == std::vector<std::string>{"bo@example.com"});
}

TEST_CASE("every kind renders in both languages, and unknown languages fall back to English") {
    const Notifications notifications = Make();
    CHECK(notifications.Texts().Languages() == std::vector<std::string>{"en", "sv"});
    CHECK(notifications.Texts().Language("sv-SE") == "sv");
    CHECK(notifications.Texts().Language("SV") == "sv");
    CHECK(notifications.Texts().Language("de") == "en");
    CHECK(notifications.Texts().Language("") == "en");
    const Mailbox anna = Mailbox::Make("Anna", "anna@regionuppsala.se");
    const std::string id = "t7k2m4q6s8u0w2y4a6c8e0g2i4";

    for (const char* language : {"en", "sv", "de"}) {
        std::vector<Notification> all{
            notifications.VerificationCode({language, anna, "482913", 15min}),
            notifications.RecipientNotification(Recipient(language)),
            notifications.SenderConfirmation({language,
                                              anna,
                                              id,
                                              "rv0k3n",
                                              {"bo@example.com", "cy@example.org"},
                                              2,
                                              true,
                                              kNow + 240h}),
            notifications.DownloadReceipt(
                {language, anna, id, "bo@example.com", kNow, "journal.pdf", kNow + 240h}),
            notifications.RevocationNotice({language,
                                            Mailbox::Make("", "bo@example.com"),
                                            id,
                                            {"Anna", "anna@regionuppsala.se", ""},
                                            kNow}),
            notifications.ExpiryNotice(
                {language,
                 anna,
                 id,
                 kNow,
                 {{"bo@example.com", 2, kNow - 1h}, {"cy@example.org", 0, {}}}}),
        };
        for (auto& n : notifications.LockoutNotices({language, anna, id, 3, kNow + 1h}))
            all.push_back(std::move(n));
        for (auto& n : notifications.DeletionNotices({language, anna, id, 10, kNow}))
            all.push_back(std::move(n));
        REQUIRE(all.size() == 10);
        for (const Notification& n : all) {
            INFO(language << " " << n.label.kind);
            // The administrator's notices are in the administrator's language.
            const bool to_admin = n.message.to[0].address.ToString() == "admin@files.example.se";
            const std::string expected_language =
                std::string(language) == "sv" && !to_admin ? "sv" : "en";
            const json parsed = Parse(n);
            CHECK_FALSE(parsed["subject"].get<std::string>().empty());
            CHECK(parsed["subject"].get<std::string>().find("{{") == std::string::npos);
            const auto [text, html] = Bodies(parsed);
            CHECK(text.find("{{") == std::string::npos);
            CHECK(html.find("{{") == std::string::npos);
            CHECK_THAT(html, Catch::Contains("<html lang=\"" + expected_language + "\">"));
            CHECK_FALSE(MentionsPasswordValue(text));
            CHECK_FALSE(MentionsPasswordValue(html));
            const auto headers = parsed["headers"];
            CHECK(std::find(headers.begin(), headers.end(),
                            json::array({"Content-Language", expected_language})) != headers.end());
        }
    }
}

TEST_CASE("each notice carries what its reader needs") {
    const Notifications notifications = Make();
    const Mailbox anna = Mailbox::Make("Anna", "anna@regionuppsala.se");
    const std::string id = "t7k2m4q6s8u0w2y4a6c8e0g2i4";

    SECTION("verification code") {
        const auto [text, html] =
            Bodies(Parse(notifications.VerificationCode({"sv", anna, "482913"})));
        CHECK_THAT(text, Catch::Contains("    482913\n"));
        CHECK_THAT(text, Catch::Contains("15 minuter"));
        CHECK_THAT(html, Catch::Contains(">482913<"));
    }
    SECTION("sender confirmation: tracking id, recipients, expiry, revoke link") {
        const auto [text, html] =
            Bodies(Parse(notifications.SenderConfirmation({"en",
                                                           anna,
                                                           id,
                                                           "rv0k3n",
                                                           {"bo@example.com", "cy@example.org"},
                                                           2,
                                                           false,
                                                           kNow + 240h})));
        CHECK_THAT(text, Catch::Contains("Tracking id: " + id));
        CHECK_THAT(text, Catch::Contains("bo@example.com\ncy@example.org"));
        CHECK_THAT(text, Catch::Contains("2026-12-06 13:15 UTC"));
        CHECK_THAT(text,
                   Catch::Contains("https://files.example.se/t/" + id + "?revoke_token=rv0k3n"));
        CHECK_THAT(html, Catch::Contains("href=\"https://files.example.se/t/" + id +
                                         "?revoke_token=rv0k3n\""));
    }
    SECTION("expiry notice: the final download status of each recipient") {
        const auto [text, html] = Bodies(Parse(notifications.ExpiryNotice(
            {"en",
             anna,
             id,
             kNow,
             {{"bo@example.com", 2, kNow - 1h}, {"cy@example.org", 0, {}}}})));
        CHECK_THAT(text,
                   Catch::Contains("bo@example.com: downloaded (2×), last on 2026-11-26 12:15 UTC\n"
                                   "cy@example.org: not downloaded"));
    }
    SECTION("lockout: one notice to the administrator, one to the sender") {
        const auto notices = notifications.LockoutNotices({"sv", anna, id, 3, kNow + 1h});
        REQUIRE(notices.size() == 2);
        CHECK(notices[0].message.to[0].address.ToString() == "admin@files.example.se");
        CHECK(notices[1].message.to[0].address.ToString() == "anna@regionuppsala.se");
        const json admin = Parse(notices[0]);
        const json sender = Parse(notices[1]);
        CHECK(admin["subject"] == "Transfer " + id + " locked after failed password attempts");
        CHECK(sender["subject"] == "Din försändelse " + id + " har låsts");
        CHECK_THAT(Bodies(admin).first, Catch::Contains("from anna@regionuppsala.se"));
        CHECK_THAT(Bodies(sender).first, Catch::Contains("2026-11-26 14:15 UTC"));
    }
    SECTION("deletion after failed attempts") {
        const auto notices = notifications.DeletionNotices({"en", anna, id, 10, kNow});
        REQUIRE(notices.size() == 2);
        CHECK_THAT(Bodies(Parse(notices[0])).first, Catch::Contains("after 10 wrong passwords"));
        CHECK(notices[1].label.kind == "deletion_notice");
    }
    SECTION("links percent-encode odd ids") {
        CHECK(notifications.DownloadLink("a/b?c") == "https://files.example.se/d/a%2Fb%3Fc");
    }
}

TEST_CASE("the public URL must be http(s)") {
    NotificationSettings settings;
    settings.public_url = "javascript:alert(1)";
    CHECK_THROWS_AS(Notifications(settings), std::invalid_argument);
}
