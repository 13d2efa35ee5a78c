#include "store/Records.hxx"
#include "util/Base64.hxx"

namespace sealpost::store {
namespace {

using nlohmann::json;

std::string B64(const Bytes& bytes) {
    return Base64Encode(bytes);
}

Bytes FromB64(const json& j, const char* key) {
    if (!j.contains(key))
        return {};
    auto decoded = Base64Decode(j.at(key).get<std::string>());
    return decoded ? std::move(*decoded) : Bytes{};
}

constexpr std::pair<TransferStatus, std::string_view> kStatusNames[] = {
    {TransferStatus::open, "open"},       {TransferStatus::provided, "provided"},
    {TransferStatus::revoked, "revoked"}, {TransferStatus::expired, "expired"},
    {TransferStatus::deleted, "deleted"},
};

TransferStatus StatusFrom(std::string_view name) {
    for (const auto& [status, text] : kStatusNames)
        if (text == name)
            return status;
    return TransferStatus::deleted;
}

} // namespace

bool IsLive(TransferStatus status) noexcept {
    return status == TransferStatus::open || status == TransferStatus::provided;
}

std::string_view ToString(TransferStatus status) noexcept {
    for (const auto& [s, text] : kStatusNames)
        if (s == status)
            return text;
    return "deleted";
}

RecipientRecord* TransferRecord::FindRecipient(std::string_view download_id) noexcept {
    for (auto& recipient : recipients)
        if (recipient.download_id == download_id)
            return &recipient;
    return nullptr;
}

const RecipientRecord* TransferRecord::FindRecipient(std::string_view download_id) const noexcept {
    return const_cast<TransferRecord*>(this)->FindRecipient(download_id);
}

std::string Serialize(const TransferRecord& r) {
    json recipients = json::array();
    for (const auto& rc : r.recipients) {
        json entry = {{"email", rc.email},
                      {"kind", rc.kind},
                      {"download_id", rc.download_id},
                      {"downloads", rc.downloads},
                      {"last_download_at", rc.last_download_at}};
        if (!rc.quick_key_id.empty()) {
            entry["quick_key_id"] = rc.quick_key_id;
            entry["quick_invitation"] = rc.quick_invitation;
        }
        recipients.push_back(std::move(entry));
    }
    json j = {
        {"id", r.id},
        {"status", ToString(r.status)},
        {"sender", r.sender},
        {"recipients", recipients},
        {"created_at", r.created_at},
        {"expires_at", r.expires_at},
        {"public_key", r.public_key},
        {"message_file_id", r.message_file_id},
        {"max_size", r.max_size},
        {"reserved", r.reserved},
        {"file_ids", r.file_ids},
        {"failed_attempts", r.failed_attempts},
        {"consecutive_failures", r.consecutive_failures},
        {"locked_until", r.locked_until},
        {"pending_attempts", r.pending_attempts},
        {"upload_deadline", r.upload_deadline},
        {"options", r.options},
    };
    if (!r.unreported.empty()) {
        json& pending = j["unreported"] = json::array();
        for (const auto& report : r.unreported)
            pending.push_back({{"event", report.event}, {"was", ToString(report.was)}});
    }
    return j.dump();
}

std::string Serialize(const FileRecord& r) {
    const json j = {
        {"id", r.id},
        {"transfer_id", r.transfer_id},
        {"size", r.size},
        {"offset", r.offset},
        {"complete", r.complete},
        {"sealed_name", B64(r.sealed_name)},
        {"sealed_type", B64(r.sealed_type)},
        {"sealed_digest", B64(r.sealed_digest)},
        {"chunks_offset", r.chunks_offset},
        {"created_at", r.created_at},
        {"upload_expires_at", r.upload_expires_at},
    };
    return j.dump();
}

std::optional<TransferRecord> ParseTransfer(std::string_view data) {
    try {
        const json j = json::parse(data);
        TransferRecord r;
        r.id = j.at("id").get<std::string>();
        r.status = StatusFrom(j.at("status").get<std::string>());
        r.sender = j.at("sender").get<std::string>();
        for (const auto& rc : j.at("recipients"))
            r.recipients.push_back(
                {rc.at("email").get<std::string>(), rc.at("kind").get<std::string>(),
                 rc.at("download_id").get<std::string>(), rc.at("downloads").get<std::uint64_t>(),
                 rc.at("last_download_at").get<std::int64_t>(),
                 rc.value("quick_key_id", std::string()), rc.value("quick_invitation", false)});
        r.created_at = j.at("created_at").get<std::int64_t>();
        r.expires_at = j.at("expires_at").get<std::int64_t>();
        r.public_key = j.at("public_key").get<std::string>();
        r.message_file_id = j.at("message_file_id").get<std::string>();
        r.max_size = j.at("max_size").get<std::uint64_t>();
        r.reserved = j.at("reserved").get<std::uint64_t>();
        r.file_ids = j.at("file_ids").get<std::vector<std::string>>();
        r.failed_attempts = j.at("failed_attempts").get<std::uint32_t>();
        r.consecutive_failures = j.at("consecutive_failures").get<std::uint32_t>();
        r.locked_until = j.at("locked_until").get<std::int64_t>();
        r.pending_attempts = j.value("pending_attempts", std::uint32_t{0});
        r.upload_deadline = j.value("upload_deadline", std::int64_t{0});
        r.options = j.value("options", json::object());
        if (j.contains("unreported"))
            for (const auto& report : j.at("unreported"))
                r.unreported.push_back({report.at("event").get<std::string>(),
                                        StatusFrom(report.at("was").get<std::string>())});
        return r;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

std::optional<FileRecord> ParseFile(std::string_view data) {
    try {
        const json j = json::parse(data);
        FileRecord r;
        r.id = j.at("id").get<std::string>();
        r.transfer_id = j.at("transfer_id").get<std::string>();
        r.size = j.at("size").get<std::uint64_t>();
        r.offset = j.at("offset").get<std::uint64_t>();
        r.complete = j.at("complete").get<bool>();
        r.sealed_name = FromB64(j, "sealed_name");
        r.sealed_type = FromB64(j, "sealed_type");
        r.sealed_digest = FromB64(j, "sealed_digest");
        r.chunks_offset = j.at("chunks_offset").get<std::uint64_t>();
        r.created_at = j.at("created_at").get<std::int64_t>();
        r.upload_expires_at = j.at("upload_expires_at").get<std::int64_t>();
        return r;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

} // namespace sealpost::store
