// The answer of SenderPolicy::Check: whether a transfer from one sender to a
// set of recipients may go ahead, and if not, who or what was refused.
// Plain values, built by SenderPolicy and read by the API and UI layers.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sealpost {

/// A recipient that the policy refuses. `reason` is a stable code:
///   "external_to_external"  an external sender may send only to internal
///                           addresses, and this one is external;
///   "invalid_address"       the entry is not a usable address (`message`
///                           says why).
struct RefusedRecipient {
    std::string email;
    std::string reason;
    std::string message;
};

/// A refusal that concerns the transfer as a whole. `reason` codes:
///   "invalid_sender"        the sender address is not usable;
///   "sender_domain_hint"    the sender's domain is configured as one that
///                           must not be used (the message says what to use);
///   "no_recipients"         there is no recipient at all.
struct PolicyProblem {
    std::string reason;
    std::string message;
};

struct PolicyDecision {
    bool allowed = false;
    std::vector<RefusedRecipient> failed_recipients;
    std::optional<PolicyProblem> problem;
};

} // namespace sealpost
