// JSON forms of the policy module's results, exactly as the OpenAPI document fixes them,
// and the reading of a "recipients" value that may be one string or an array
// of strings. Pure functions; safe from any thread.
#pragma once

#include "policy/PasswordPolicy.hxx"
#include "policy/PolicyDecision.hxx"
#include "policy/Recipients.hxx"

#include <nlohmann/json.hpp>

#include <span>

namespace sealpost {

/// {"ok": bool, "violations": [{"rule", "message"}]} for POST /passwords/check.
nlohmann::json PasswordCheckToJson(std::span<const PasswordViolation> violations);

/// {"allowed": bool, "failed_recipients": [{"email", "reason"}]} for POST
/// /policy/check; the caller adds max_retention_days and max_transfer_size.
/// A problem with the transfer as a whole (PolicyDecision::problem) is added
/// as "problem": {"reason", "message"} only when there is one.
nlohmann::json PolicyCheckToJson(const PolicyDecision& decision);

/// Accepts null (no recipients), a string, or an array of strings (each of
/// which may hold several entries). Anything else, and every non-string item,
/// becomes an invalid entry with code "not_a_string".
ParsedRecipients ParseRecipientsJson(const nlohmann::json& value);

} // namespace sealpost
