#include "audit/AuditRecord.hxx"

#include "lib/evp/Digest.hxx"
#include "policy/Utf8.hxx"
#include "util/Hex.hxx"
#include "util/Time.hxx"

#include <array>
#include <charconv>
#include <ctime>
#include <stdexcept>

namespace sealpost::audit {

namespace {

constexpr std::array<std::string_view, 29> kNames{
    "verification_requested",
    "verification_confirmed",
    "verification_failed",
    "transfer_created",
    "file_uploaded",
    "transfer_provided",
    "notification_sent",
    "notification_failed",
    "download_unlocked",
    "password_failed",
    "transfer_locked",
    "transfer_unlocked",
    "transfer_deleted_attempts",
    "file_downloaded",
    "zip_downloaded",
    "message_read",
    "transfer_revoked",
    "transfer_expired",
    "quick_activated",
    "quick_reactivated",
    "admin_login",
    "admin_login_failed",
    "admin_deleted",
    // Beyond the OpenAPI document's list: administrators added and removed (command line).
    "admin_user_added",
    "admin_user_removed",
    // A transfer's age identity exported on the command line for recovery.
    "identity_exported",
    // QUICK: a connection deleted (by a browser or an administrator), and the
    // activation codes made and wrongly entered.
    "quick_connection_deleted",
    "quick_code_created",
    "quick_code_failed",
};

/// Longest stored value of a free-text field (bytes, before repair).
constexpr std::size_t kMaxFieldSize = 1024;
/// detail objects are small; a larger one is a programming error.
constexpr std::size_t kMaxDetailSize = 16 * 1024;

bool HasFloat(const nlohmann::json& value) {
    if (value.is_number_float())
        return true;
    if (value.is_structured())
        for (const auto& item : value)
            if (HasFloat(item))
                return true;
    return false;
}

std::string Repair(std::string_view text, std::size_t max_size = std::string::npos) {
    std::string repaired = utf8::Sanitize(text.substr(0, std::min(text.size(), max_size)));
    return repaired;
}

nlohmann::json RepairJson(const nlohmann::json& value) {
    if (value.is_string())
        return Repair(value.get_ref<const std::string&>());
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value.items())
            out[Repair(key)] = RepairJson(item);
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value)
            out.push_back(RepairJson(item));
        return out;
    }
    return value;
}

} // namespace

std::span<const std::string_view> AuditEventNames() noexcept {
    return kNames;
}

bool IsAuditEventName(std::string_view name) noexcept {
    for (std::string_view known : kNames)
        if (known == name)
            return true;
    return false;
}

void CheckAuditEvent(const AuditEvent& event) {
    if (!IsAuditEventName(event.event))
        throw std::invalid_argument("unknown audit event name: " + event.event);
    if (!event.detail.is_object() && !event.detail.is_null())
        throw std::invalid_argument("audit detail must be a JSON object");
    if (HasFloat(event.detail))
        throw std::invalid_argument("audit detail must not hold floating-point numbers");
}

AuditEvent SanitizeAuditEvent(AuditEvent event) {
    for (std::string* field :
         {&event.transfer_id, &event.email, &event.ip, &event.user_agent, &event.event})
        *field = Repair(*field, kMaxFieldSize);
    event.detail = event.detail.is_null() ? nlohmann::json::object() : RepairJson(event.detail);
    if (event.detail.dump().size() > kMaxDetailSize)
        event.detail = nlohmann::json{{"truncated", true}};
    return event;
}

nlohmann::json ToJson(const AuditRecord& record) {
    nlohmann::json value = {
        {"seq", record.seq},
        {"time", Rfc3339(record.time)},
        {"event", record.event.event},
        {"transfer_id", record.event.transfer_id},
        {"email", record.event.email},
        {"ip", record.event.ip},
        {"user_agent", record.event.user_agent},
        {"detail", record.event.detail},
        {"prev_hash", record.prev_hash},
    };
    if (!record.hash.empty())
        value["hash"] = record.hash;
    return value;
}

std::optional<AuditRecord> FromJson(const nlohmann::json& value) {
    if (!value.is_object())
        return std::nullopt;
    const auto string_member = [&](const char* name) -> const std::string* {
        const auto it = value.find(name);
        return it != value.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
    };
    const auto seq = value.find("seq");
    const auto detail = value.find("detail");
    const std::string* time = string_member("time");
    const std::string* event = string_member("event");
    const std::string* transfer = string_member("transfer_id");
    const std::string* email = string_member("email");
    const std::string* ip = string_member("ip");
    const std::string* agent = string_member("user_agent");
    const std::string* prev = string_member("prev_hash");
    const std::string* hash = string_member("hash");
    if (seq == value.end() || !seq->is_number_unsigned() || detail == value.end() ||
        !detail->is_object() || !time || !event || !transfer || !email || !ip || !agent || !prev ||
        !hash)
        return std::nullopt;
    const auto parsed_time = ParseRfc3339(*time);
    if (!parsed_time)
        return std::nullopt;
    AuditRecord record;
    record.seq = seq->get<std::uint64_t>();
    record.time = *parsed_time;
    record.event = {*event, *transfer, *email, *ip, *agent, *detail};
    record.prev_hash = *prev;
    record.hash = *hash;
    return record;
}

std::string CanonicalText(const AuditRecord& record, bool with_hash) {
    nlohmann::json value = ToJson(record);
    if (!with_hash)
        value.erase("hash");
    // nlohmann::json keeps object members in a std::map, so dump() writes them sorted;
    // with no indent it writes no whitespace. Invalid UTF-8 was repaired on the way in.
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ComputeHash(const AuditRecord& record) {
    const std::string text = CanonicalText(record, false);
    const auto digest =
        evp::Sha256(std::span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    return HexEncode(digest);
}

} // namespace sealpost::audit
