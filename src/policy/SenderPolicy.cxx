#include "policy/SenderPolicy.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sealpost {

namespace {

std::string CheckedDomain(std::string_view domain, std::string_view setting) {
    AddressError error;
    if (!EmailAddress::ValidateDomain(domain, &error))
        throw std::invalid_argument(
            fmt::format("{}: \"{}\" is not a valid domain: {}", setting, domain, error.message));
    return AsciiLower(domain);
}

void AddRefused(PolicyDecision& decision, RefusedRecipient refused) {
    const std::string key = AsciiLower(refused.email);
    const bool seen =
        std::any_of(decision.failed_recipients.begin(), decision.failed_recipients.end(),
                    [&](const RefusedRecipient& r) { return AsciiLower(r.email) == key; });
    if (!seen)
        decision.failed_recipients.push_back(std::move(refused));
}

} // namespace

SenderPolicy::SenderPolicy(std::span<const std::string> internal_domains,
                           const std::map<std::string, std::string>& sender_domain_hints) {
    for (const std::string& domain : internal_domains)
        internal_domains_.insert(CheckedDomain(domain, "policy.internal_domains"));
    for (const auto& [domain, message] : sender_domain_hints)
        hints_.emplace(CheckedDomain(domain, "policy.sender_domain_hints"), message);
}

bool SenderPolicy::IsInternalDomain(std::string_view domain) const {
    return internal_domains_.contains(AsciiLower(domain));
}

bool SenderPolicy::IsInternal(const EmailAddress& address) const {
    return internal_domains_.contains(address.Domain());
}

std::optional<PolicyProblem> SenderPolicy::CheckSender(const EmailAddress& sender) const {
    const auto hint = hints_.find(sender.Domain());
    if (hint == hints_.end())
        return std::nullopt;
    return PolicyProblem{"sender_domain_hint", hint->second};
}

void SenderPolicy::CheckRecipients(bool sender_internal, std::span<const EmailAddress> recipients,
                                   PolicyDecision& decision) const {
    if (sender_internal)
        return;
    for (const EmailAddress& recipient : recipients)
        if (!IsInternal(recipient))
            AddRefused(decision,
                       {recipient.ToString(), "external_to_external",
                        fmt::format("{} is not an internal address; an external sender may send "
                                    "only to internal addresses",
                                    recipient.ToString())});
}

PolicyDecision SenderPolicy::Check(const EmailAddress& sender, std::span<const EmailAddress> to,
                                   std::span<const EmailAddress> cc,
                                   std::span<const EmailAddress> bcc) const {
    PolicyDecision decision;
    decision.problem = CheckSender(sender);
    if (!decision.problem && to.empty() && cc.empty() && bcc.empty())
        decision.problem = PolicyProblem{"no_recipients", "there is no recipient"};

    const bool internal = IsInternal(sender);
    for (const auto list : {to, cc, bcc})
        CheckRecipients(internal, list, decision);
    decision.allowed = !decision.problem && decision.failed_recipients.empty();
    return decision;
}

PolicyDecision SenderPolicy::Check(std::string_view sender, const ParsedRecipients& to,
                                   const ParsedRecipients& cc, const ParsedRecipients& bcc) const {
    PolicyDecision decision;
    AddressError error;
    const auto sender_address = EmailAddress::Parse(sender, &error);
    if (sender_address) {
        decision = Check(*sender_address, to.addresses, cc.addresses, bcc.addresses);
    } else {
        decision.problem = PolicyProblem{
            "invalid_sender", fmt::format("the sender address is not usable: {}", error.message)};
    }
    for (const ParsedRecipients* list : {&to, &cc, &bcc})
        for (const InvalidRecipient& r : list->invalid)
            AddRefused(decision, {r.entry, "invalid_address", r.error.message});
    // Invalid entries alone are not "no recipients": they are named instead.
    if (decision.problem && decision.problem->reason == "no_recipients" &&
        !decision.failed_recipients.empty())
        decision.problem.reset();
    decision.allowed = !decision.problem && decision.failed_recipients.empty();
    return decision;
}

} // namespace sealpost
