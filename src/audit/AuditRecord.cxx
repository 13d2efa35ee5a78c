#include "audit/AuditRecord.hxx"

#include "lib/evp/Digest.hxx"
#include "policy/Utf8.hxx"
#include "util/Hex.hxx"

#include <array>
#include <charconv>
#include <ctime>
#include <stdexcept>

namespace sealpost::audit {

namespace {

constexpr std::array<std::string_view, 23> kNames{
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

bool ParseDigits(std::string_view text, int& out) {
    const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc{} && result.ptr == text.data() + text.size();
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

std::string FormatRfc3339(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> buffer{};
    const std::size_t n = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer.data(), n);
}

std::optional<std::int64_t> ParseRfc3339(std::string_view text) {
    // YYYY-MM-DD[THH:MM:SS[.fff](Z|+00:00)]
    if (text.size() < 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!ParseDigits(text.substr(0, 4), year) || !ParseDigits(text.substr(5, 2), month) ||
        !ParseDigits(text.substr(8, 2), day))
        return std::nullopt;
    if (text.size() > 10) {
        if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
            text[13] != ':' || text[16] != ':')
            return std::nullopt;
        if (!ParseDigits(text.substr(11, 2), hour) || !ParseDigits(text.substr(14, 2), minute) ||
            !ParseDigits(text.substr(17, 2), second))
            return std::nullopt;
        std::string_view rest = text.substr(19);
        if (!rest.empty() && rest[0] == '.') {
            std::size_t i = 1;
            while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
                ++i;
            if (i == 1)
                return std::nullopt;
            rest = rest.substr(i);
        }
        if (rest != "Z" && rest != "z" && rest != "+00:00")
            return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm));
}

nlohmann::json ToJson(const AuditRecord& record) {
    nlohmann::json value = {
        {"seq", record.seq},
        {"time", FormatRfc3339(record.time)},
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
