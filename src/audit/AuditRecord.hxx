// The audit log's records and their canonical encoding (the OpenAPI document's AuditEventName,
// README "Administration and audit"). Plain values and pure functions; any thread.
//
// Canonical encoding. A record is stored, exported as a JSON line and hashed as the
// UTF-8 text of one JSON object with
//   * exactly the members seq, time, event, transfer_id, email, ip, user_agent, detail,
//     prev_hash and hash (hash left out when the hash itself is computed),
//   * members sorted by name (byte order), at every nesting level inside detail too,
//   * no whitespace outside strings,
//   * strings as nlohmann::json writes them: '"' and '\' escaped with a backslash,
//     \b \f \n \r \t for those controls, other controls below U+0020 as \u00xx
//     (lower-case hex), everything else (including non-ASCII) as raw UTF-8,
//   * seq as a decimal integer, time as RFC 3339 UTC with whole seconds
//     ("2026-11-26T13:15:37Z"), detail as an object whose numbers are integers only.
// hash = lower-case hex SHA-256 of the canonical text of every member except hash;
// prev_hash is the previous record's hash, or 64 '0' characters for seq 1 (or the
// anchor's hash after pruning, see AuditStore.hxx). So each exported JSON line can be
// re-hashed on its own: drop "hash", write the object canonically, take SHA-256.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sealpost::audit {

/// What the rest of the server reports. `event` must be one of AuditEventNames();
/// strings that are not valid UTF-8 are repaired (U+FFFD) when stored. Never put a
/// password, a key, a file name or message text into any field.
struct AuditEvent {
    std::string event, transfer_id, email, ip, user_agent;
    nlohmann::json detail = nlohmann::json::object();
};

/// An event as stored: numbered, timed and chained.
struct AuditRecord {
    std::uint64_t seq = 0;
    std::int64_t time = 0; ///< unix seconds, UTC
    AuditEvent event;
    std::string prev_hash;
    std::string hash;
};

/// prev_hash of the first record.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The event names of the OpenAPI document, in the order listed there, then admin_user_added and
/// admin_user_removed (user administration, which the API contract does not name).
std::span<const std::string_view> AuditEventNames() noexcept;
bool IsAuditEventName(std::string_view name) noexcept;

/// Throws std::invalid_argument unless the event name is known and detail is a JSON
/// object without floating-point numbers (they have no single canonical text). A null
/// detail (what `{}` in a braced initialiser makes) counts as the empty object.
void CheckAuditEvent(const AuditEvent& event);

/// Repairs invalid UTF-8 in every string (fields and inside detail) and caps the
/// length of the free-text fields, so the canonical encoding always exists.
AuditEvent SanitizeAuditEvent(AuditEvent event);

/// The record as a JSON object (with hash).
nlohmann::json ToJson(const AuditRecord& record);
/// The inverse of ToJson; nullopt if a member is missing or has the wrong type.
std::optional<AuditRecord> FromJson(const nlohmann::json& value);

/// The canonical text of the record, with or without the hash member.
std::string CanonicalText(const AuditRecord& record, bool with_hash = true);
/// Lower-case hex SHA-256 of CanonicalText(record, false).
std::string ComputeHash(const AuditRecord& record);

} // namespace sealpost::audit
