#include "admin/AdminQueries.hxx"
#include "store/QuickKeys.hxx"

#include "audit/AuditRecord.hxx"
#include "audit/AuditStore.hxx"
#include "config/Config.hxx"
#include "store/Index.hxx"
#include "util/Time.hxx"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace sealpost::admin {

namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
    return needle.empty() || Lower(haystack).find(Lower(needle)) != std::string::npos;
}

nlohmann::json TimeOrNull(std::int64_t unix_seconds) {
    return unix_seconds > 0 ? nlohmann::json(Rfc3339(unix_seconds)) : nlohmann::json(nullptr);
}

std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool IsStored(store::TransferStatus status) {
    return status == store::TransferStatus::open || status == store::TransferStatus::provided;
}

} // namespace

std::optional<store::TransferStatus> ParseTransferStatus(std::string_view text) noexcept {
    for (auto status : {store::TransferStatus::open, store::TransferStatus::provided,
                        store::TransferStatus::revoked, store::TransferStatus::expired,
                        store::TransferStatus::deleted})
        if (store::ToString(status) == text)
            return status;
    return std::nullopt;
}

nlohmann::json TransferSummary(const store::TransferRecord& t, std::int64_t now) {
    nlohmann::json recipients = nlohmann::json::array();
    for (const auto& r : t.recipients)
        recipients.push_back({{"email", r.email},
                              {"kind", r.kind},
                              {"downloads", r.downloads},
                              {"last_download_at", TimeOrNull(r.last_download_at)}});
    return {
        {"id", t.id},
        {"status", store::ToString(t.status)},
        {"sender", t.sender},
        {"recipients", std::move(recipients)},
        {"created_at", TimeOrNull(t.created_at)},
        {"expires_at", TimeOrNull(t.expires_at)},
        {"files", t.file_ids.size()},
        {"bytes", t.reserved},
        {"has_message", !t.message_file_id.empty()},
        {"failed_attempts", t.failed_attempts},
        {"consecutive_failures", t.consecutive_failures},
        {"locked", t.locked_until > now},
        {"locked_until", t.locked_until > now ? TimeOrNull(t.locked_until) : nullptr},
    };
}

nlohmann::json ListTransfers(const store::Index& index, const TransferFilter& filter) {
    std::vector<store::TransferRecord> found;
    index.ForEachTransfer([&](const store::TransferRecord& t) {
        if (filter.status && t.status != *filter.status)
            return;
        if (!Contains(t.sender, filter.sender))
            return;
        if (!filter.recipient.empty() &&
            std::none_of(t.recipients.begin(), t.recipients.end(),
                         [&](const auto& r) { return Contains(r.email, filter.recipient); }))
            return;
        found.push_back(t);
    });
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id < b.id;
    });
    if (found.size() > filter.limit)
        found.resize(filter.limit);
    const std::int64_t now = Now();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : found)
        list.push_back(TransferSummary(t, now));
    return {{"transfers", std::move(list)}};
}

nlohmann::json ComputeStats(const store::Index& index, audit::AuditStore* audit, const Config& config) {
    const std::int64_t now = Now();
    std::map<std::string, std::uint64_t> by_status;
    for (auto status : {"open", "provided", "revoked", "expired", "deleted"})
        by_status[status] = 0;
    std::uint64_t total = 0, locked = 0, attempts = 0, internal = 0, external = 0;
    std::uint64_t bytes_open = 0, bytes_provided = 0;
    const std::set<std::string, std::less<>> internal_domains(
        config.policy.internal_domains.begin(), config.policy.internal_domains.end());
    index.ForEachTransfer([&](const store::TransferRecord& t) {
        ++total;
        ++by_status[std::string(store::ToString(t.status))];
        attempts += t.failed_attempts;
        if (t.locked_until > now)
            ++locked;
        if (t.status == store::TransferStatus::open)
            bytes_open += t.reserved;
        if (t.status == store::TransferStatus::provided)
            bytes_provided += t.reserved;
        if (IsStored(t.status)) {
            const auto at = t.sender.rfind('@');
            const std::string domain =
                at == std::string::npos ? std::string() : Lower(t.sender.substr(at + 1));
            ++(internal_domains.count(domain) ? internal : external);
        }
    });
    nlohmann::json transfers(by_status);
    transfers["total"] = total;
    transfers["locked"] = locked;

    nlohmann::json result = {
        {"transfers", std::move(transfers)},
        {"bytes",
         {{"stored", bytes_open + bytes_provided},
          {"open", bytes_open},
          {"provided", bytes_provided}}},
        {"senders", {{"internal", internal}, {"external", external}}},
        {"failures", {{"password_attempts", attempts}, {"locked_transfers", locked}}},
    };
    if (audit) {
        audit::AuditQuery deleted;
        deleted.event = "transfer_deleted_attempts";
        deleted.limit = 0;
        std::uint64_t shredded = 0;
        audit->ForEach(deleted, [&](const audit::AuditRecord&) {
            ++shredded;
            return true;
        });
        audit::AuditQuery failed_logins;
        failed_logins.event = "admin_login_failed";
        failed_logins.since = now - 24 * 3600;
        std::uint64_t login_failures = 0;
        audit->ForEach(failed_logins, [&](const audit::AuditRecord&) {
            ++login_failures;
            return true;
        });
        result["failures"]["deleted_after_attempts"] = shredded;
        result["failures"]["admin_logins_24h"] = login_failures;
        result["audit"] = {{"events", audit->Head().seq}};
    }
    std::error_code ec;
    const auto space = std::filesystem::space(config.server.data_dir, ec);
    if (!ec)
        result["disk"] = {
            {"free", space.free}, {"available", space.available}, {"capacity", space.capacity}};
    return result;
}

nlohmann::json QuickConnections(const store::QuickKeys& quick, std::string_view email) {
    struct Pair {
        std::int64_t created_at = 0;
        std::set<std::string> browsers;
    };
    std::map<std::pair<std::string, std::string>, Pair> pairs;
    for (const auto& c : quick.All(email)) {
        auto& p = pairs[{c.email, c.partner}];
        if (p.browsers.empty() || c.created_at < p.created_at)
            p.created_at = c.created_at;
        p.browsers.insert(c.handle);
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [key, p] : pairs)
        list.push_back({{"email", key.first},
                        {"partner", key.second},
                        {"created_at", Rfc3339(p.created_at)},
                        {"browsers", p.browsers.size()}});
    return list;
}

} // namespace sealpost::admin
