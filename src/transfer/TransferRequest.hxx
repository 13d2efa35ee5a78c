// The body of POST /api/v1/transfers (the OpenAPI document, Transfers) as typed values: every
// member checked for its type and limits, with a problem+json answer naming the
// first one that is wrong. Only the syntax: who the sender is, what the policy
// allows, whether a password follows the rules and the generation of one are the
// handler's (TransferRoutes.cxx). Pure function; any thread.
#pragma once

#include "http/JsonBody.hxx"
#include "policy/Recipients.hxx"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sealpost::transfer {

enum class PasswordMode { manual, generated, quick };

struct TransferRequest {
    /// The sender address as given (may be empty: any verified identity).
    std::string sender;
    /// "recipients", "cc" and "bcc" as parsed (invalid entries kept for the answer).
    ParsedRecipients to, cc, bcc;
    /// Absent: policy.default_retention_days.
    std::optional<std::uint64_t> retention_days;
    /// "" (the default, English), "en" or "sv".
    std::string language;
    bool notify_on_provided = true;
    bool notify_on_download = false;
    bool show_filenames = false;
    /// The confidential message; nullopt when absent, null or empty.
    std::optional<std::string> message;
    /// The unencrypted notification text ("notification": {"subject","body"}).
    std::string subject, body;
    PasswordMode password_mode = PasswordMode::manual;
    /// As given ("" when absent).
    std::string password;
    /// password_mode quick: the invitation password of recipients not yet
    /// connected is made by the server ("quick_fallback": "generated").
    bool quick_generated = false;
    /// A token carries no name or phone; the body may give them.
    std::string sender_name, sender_phone;
};

struct TransferRequestLimits {
    std::uint64_t max_retention_days = 10;
};

/// Field limits (bytes); the message is bounded by the body limit
/// (server.max_request_body) alone.
inline constexpr std::size_t kMaxSubject = 200;
inline constexpr std::size_t kMaxNotificationBody = 10'000;
inline constexpr std::size_t kMaxPassword = 1024;

std::variant<TransferRequest, http::JsonProblem>
ParseTransferRequest(const nlohmann::json& body, const TransferRequestLimits& limits);

} // namespace sealpost::transfer
