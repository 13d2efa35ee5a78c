#include "policy/SenderPolicy.hxx"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace sealpost;

namespace {

const std::vector<std::string> kInternal{"akademiska.se",        "ul.se",
                                         "varuforsorjningen.se", "externa.regionuppsala.se",
                                         "RegionUppsala.se",     "privat.regionuppsala.se",
                                         "rbcuppsalaorebro.se",  "rccuppsalaorebro.se"};
const std::map<std::string, std::string> kHints{
    {"lul.se", "Do not use your @lul.se address here; use your @regionuppsala.se or "
               "@akademiska.se address."}};

SenderPolicy MakePolicy() {
    return SenderPolicy{kInternal, kHints};
}

EmailAddress Addr(std::string_view text) {
    auto a = EmailAddress::Parse(text);
    REQUIRE(a);
    return *a;
}

std::vector<EmailAddress> Addrs(std::initializer_list<std::string_view> texts) {
    std::vector<EmailAddress> out;
    for (auto t : texts)
        out.push_back(Addr(t));
    return out;
}

std::vector<std::string> FailedEmails(const PolicyDecision& d) {
    std::vector<std::string> out;
    for (const auto& r : d.failed_recipients)
        out.push_back(r.email);
    return out;
}

using Strings = std::vector<std::string>;

} // namespace

TEST_CASE("internal domains match exactly and case-insensitively") {
    const auto policy = MakePolicy();
    CHECK(policy.IsInternal(Addr("anna@regionuppsala.se")));
    CHECK(policy.IsInternal(Addr("anna@REGIONUPPSALA.SE")));
    CHECK(policy.IsInternal(Addr("anna@Externa.RegionUppsala.se")));
    CHECK(policy.IsInternalDomain("AKADEMISKA.SE"));
    // Sub-domains only when listed.
    CHECK_FALSE(policy.IsInternal(Addr("anna@lab.akademiska.se")));
    CHECK_FALSE(policy.IsInternal(Addr("anna@other.regionuppsala.se")));
    // Look-alikes are not internal.
    CHECK_FALSE(policy.IsInternal(Addr("anna@regionuppsala.se.evil.com")));
    CHECK_FALSE(policy.IsInternal(Addr("anna@xregionuppsala.se")));
    CHECK_FALSE(policy.IsInternal(Addr("anna@lul.se")));
}

TEST_CASE("internal sender may send to anyone") {
    const auto d = MakePolicy().Check(Addr("anna@regionuppsala.se"),
                                      Addrs({"bo@example.com", "cecilia@ul.se"}),
                                      Addrs({"x@gmail.com"}), Addrs({"y@hotmail.com"}));
    CHECK(d.allowed);
    CHECK(d.failed_recipients.empty());
    CHECK_FALSE(d.problem);
}

TEST_CASE("external sender may send to internal recipients") {
    const auto d = MakePolicy().Check(Addr("bo@example.com"),
                                      Addrs({"anna@regionuppsala.se", "cecilia@AKADEMISKA.se"}),
                                      Addrs({"d@ul.se"}), Addrs({"e@privat.regionuppsala.se"}));
    CHECK(d.allowed);
    CHECK(d.failed_recipients.empty());
}

TEST_CASE("external to external is refused and each external recipient named") {
    const auto d = MakePolicy().Check(Addr("bo@example.com"),
                                      Addrs({"anna@regionuppsala.se", "eva@gmail.com"}),
                                      Addrs({"fred@other.org"}), Addrs({"gun@yahoo.se"}));
    CHECK_FALSE(d.allowed);
    CHECK(FailedEmails(d) == Strings{"eva@gmail.com", "fred@other.org", "gun@yahoo.se"});
    for (const auto& r : d.failed_recipients) {
        CHECK(r.reason == "external_to_external");
        CHECK(r.message.find(r.email) != std::string::npos);
    }
}

TEST_CASE("cc and bcc alone are enough to refuse") {
    const auto policy = MakePolicy();
    auto d = policy.Check(Addr("bo@example.com"), Addrs({"anna@ul.se"}), Addrs({"x@example.org"}));
    CHECK_FALSE(d.allowed);
    CHECK(FailedEmails(d) == Strings{"x@example.org"});
    d = policy.Check(Addr("bo@example.com"), Addrs({"anna@ul.se"}), {}, Addrs({"y@example.org"}));
    CHECK_FALSE(d.allowed);
    CHECK(FailedEmails(d) == Strings{"y@example.org"});
}

TEST_CASE("a refused recipient in several lists is named once") {
    const auto d = MakePolicy().Check(Addr("bo@example.com"), Addrs({"x@example.org"}),
                                      Addrs({"X@EXAMPLE.org"}), Addrs({"x@example.org"}));
    CHECK(FailedEmails(d) == Strings{"x@example.org"});
}

TEST_CASE("an external sender whose look-alike sub-domain is not listed is external") {
    const auto d = MakePolicy().Check(Addr("bo@lab.akademiska.se"), Addrs({"x@lab.akademiska.se"}));
    CHECK_FALSE(d.allowed);
    CHECK(FailedEmails(d) == Strings{"x@lab.akademiska.se"});
}

TEST_CASE("hinted sender domains are refused with their message") {
    const auto policy = MakePolicy();
    const auto problem = policy.CheckSender(Addr("anna@LUL.se"));
    REQUIRE(problem);
    CHECK(problem->reason == "sender_domain_hint");
    CHECK(problem->message == kHints.at("lul.se"));
    CHECK_FALSE(policy.CheckSender(Addr("anna@regionuppsala.se")));

    const auto d = policy.Check(Addr("anna@lul.se"), Addrs({"bo@regionuppsala.se"}));
    CHECK_FALSE(d.allowed);
    REQUIRE(d.problem);
    CHECK(d.problem->reason == "sender_domain_hint");
    CHECK(d.failed_recipients.empty());
}

TEST_CASE("no recipients is refused") {
    const auto d = MakePolicy().Check(Addr("anna@regionuppsala.se"), {});
    CHECK_FALSE(d.allowed);
    REQUIRE(d.problem);
    CHECK(d.problem->reason == "no_recipients");
}

TEST_CASE("raw input: invalid sender and invalid recipient entries") {
    const auto policy = MakePolicy();
    auto d =
        policy.Check("anna@regionuppsala.se", ParseRecipients("bo@example.com, not-an-address"),
                     ParseRecipients("c@ul.se"), ParseRecipients("d@räk.se"));
    CHECK_FALSE(d.allowed);
    REQUIRE(d.failed_recipients.size() == 2);
    CHECK(d.failed_recipients[0].email == "not-an-address");
    CHECK(d.failed_recipients[0].reason == "invalid_address");
    CHECK(d.failed_recipients[1].email == "d@räk.se");
    CHECK(d.failed_recipients[1].reason == "invalid_address");
    CHECK(d.failed_recipients[1].message.find("xn--") != std::string::npos);
    CHECK_FALSE(d.problem);

    d = policy.Check("bo@example.com", ParseRecipients("anna@ul.se, eva@gmail.com, junk"));
    CHECK(FailedEmails(d) == Strings{"eva@gmail.com", "junk"});
    CHECK(d.failed_recipients[0].reason == "external_to_external");
    CHECK(d.failed_recipients[1].reason == "invalid_address");

    d = policy.Check("bo at example.com", ParseRecipients("anna@ul.se"));
    CHECK_FALSE(d.allowed);
    REQUIRE(d.problem);
    CHECK(d.problem->reason == "invalid_sender");

    d = policy.Check("bo@example.com", ParseRecipients("Anna <anna@UL.SE>; cc@akademiska.se"));
    CHECK(d.allowed);

    d = policy.Check("bo@example.com", ParseRecipients(" ,, "));
    REQUIRE(d.problem);
    CHECK(d.problem->reason == "no_recipients");
}

TEST_CASE("malformed configured domains are refused at construction") {
    const std::vector<std::string> bad{"regionuppsala.se", "ex ample.se"};
    CHECK_THROWS_AS(SenderPolicy(bad), std::invalid_argument);
    CHECK_THROWS_WITH(SenderPolicy(bad),
                      Catch::Contains("policy.internal_domains") && Catch::Contains("ex ample.se"));
    const std::vector<std::string> good{"ul.se"};
    CHECK_THROWS_WITH(SenderPolicy(good, {{"lul..se", "x"}}),
                      Catch::Contains("policy.sender_domain_hints"));
}
