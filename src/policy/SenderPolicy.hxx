// Who may send to whom (product spec §1): a transfer needs at least one
// internal party, so an internal sender may send to anyone and an external
// sender only to internal recipients, every To, Cc and Bcc alike. Also refuses
// sender addresses in domains that carry a hint ("use your other address").
// Built once from the configuration and then immutable: any thread may call
// the const members concurrently.
#pragma once

#include "policy/EmailAddress.hxx"
#include "policy/PolicyDecision.hxx"
#include "policy/Recipients.hxx"

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace sealpost {

class SenderPolicy {
public:
    /// `internal_domains` match exactly and case-insensitively; a sub-domain
    /// is internal only when listed itself. `sender_domain_hints` maps a
    /// domain to the message shown when someone tries to send from it.
    /// Throws std::invalid_argument naming the first malformed domain.
    SenderPolicy(std::span<const std::string> internal_domains,
                 const std::map<std::string, std::string>& sender_domain_hints = {});

    bool IsInternal(const EmailAddress& address) const;
    bool IsInternalDomain(std::string_view domain) const;

    /// nullopt when `sender` may be used as a sender address, else the
    /// "sender_domain_hint" problem carrying the configured message.
    std::optional<PolicyProblem> CheckSender(const EmailAddress& sender) const;

    /// Decides on already validated addresses. Every refused recipient is
    /// named once even if it appears in several lists.
    PolicyDecision Check(const EmailAddress& sender, std::span<const EmailAddress> to,
                         std::span<const EmailAddress> cc = {},
                         std::span<const EmailAddress> bcc = {}) const;

    /// Decides on raw input: an unusable sender is a problem, unusable
    /// recipient entries are refused as "invalid_address".
    PolicyDecision Check(std::string_view sender, const ParsedRecipients& to,
                         const ParsedRecipients& cc = {}, const ParsedRecipients& bcc = {}) const;

private:
    void CheckRecipients(bool sender_internal, std::span<const EmailAddress> recipients,
                         PolicyDecision& decision) const;

    std::set<std::string, std::less<>> internal_domains_;
    std::map<std::string, std::string, std::less<>> hints_;
};

} // namespace sealpost
