// The records kept in the LMDB index, and their serialisation (JSON with
// binary fields in base64). Plain values; any thread.
//
// What is confidential is stored sealed to the transfer's key (file names,
// content types, the message, the digests of file contents); sizes, ids,
// times and addresses are not. The wraps of the transfer key are not records
// at all: they live in WrapFiles, where they can be destroyed for good.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::store {

using Bytes = std::vector<std::uint8_t>;

enum class TransferStatus { open, provided, revoked, expired, deleted };
std::string_view ToString(TransferStatus status) noexcept;

struct RecipientRecord {
    std::string email;
    std::string kind = "to"; ///< to, cc or bcc
    std::string download_id;
    std::uint64_t downloads = 0;
    std::int64_t last_download_at = 0; ///< unix seconds, 0 = never
    /// QUICK: the id of the shared key SK{sender, recipient} that W_q[B]
    /// (wrap file named by download_id) is under; empty = no W_q.
    std::string quick_key_id = {};
    /// QUICK: the transfer carries W_inv[B] (an invitation: opened with the
    /// password, it activates QUICK); false = B was connected when sent.
    bool quick_invitation = false;

    /// Opens without a password in a browser that holds the key (connected
    /// when the transfer was made).
    bool QuickReception() const noexcept { return !quick_key_id.empty() && !quick_invitation; }
};

/// A state change whose report (audit record, notices) is not yet durable:
/// written in the transaction of the change, removed once the audit record and
/// every notice are stored, so that a restart finishes what a crash cut short.
/// The pending report of a submit (the deletion reasons name the others).
inline constexpr std::string_view kSubmitReport = "provided";

struct PendingReport {
    /// "provided" (a submit) or a deletion reason (revoked, expired, abandoned,
    /// attempts, admin).
    std::string event;
    /// The status before the change (what the notices depend on).
    TransferStatus was = TransferStatus::open;
};

struct TransferRecord {
    std::string id;
    TransferStatus status = TransferStatus::open;
    std::string sender;
    std::vector<RecipientRecord> recipients;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    std::string public_key;      ///< age1… recipient of every blob of this transfer
    std::string message_file_id; ///< the confidential message's blob, if any
    std::uint64_t max_size = 0;  ///< per-transfer limit on the sum of file sizes
    std::uint64_t reserved = 0;  ///< sum of declared sizes of its files
    std::vector<std::string> file_ids;
    std::uint32_t failed_attempts = 0;
    std::uint32_t consecutive_failures = 0;
    std::int64_t locked_until = 0;
    /// Password attempts reserved and not yet evaluated (Argon2id running).
    std::uint32_t pending_attempts = 0;
    /// While open: an abandoned transfer (no upload progress) goes after this.
    std::int64_t upload_deadline = 0;
    nlohmann::json options = nlohmann::json::object(); ///< workflow options (language, …)
    /// State changes still to be reported, oldest first.
    std::vector<PendingReport> unreported = {};

    /// The recipient whose link carries download_id, or nullptr.
    RecipientRecord* FindRecipient(std::string_view download_id) noexcept;
    const RecipientRecord* FindRecipient(std::string_view download_id) const noexcept;
};

struct FileRecord {
    std::string id;
    std::string transfer_id;
    std::uint64_t size = 0;   ///< declared length (tus Upload-Length)
    std::uint64_t offset = 0; ///< durably stored plaintext bytes
    bool complete = false;
    Bytes sealed_name;
    Bytes sealed_type;
    /// "<sha256 hex> <crc32 decimal>" sealed to the transfer's key, once
    /// complete; empty for the confidential message, which has no digest.
    Bytes sealed_digest;
    std::uint64_t chunks_offset = 0; ///< blob header + nonce size
    std::int64_t created_at = 0;
    std::int64_t upload_expires_at = 0; ///< abandoned uploads go after this
};

/// True while a transfer is open or provided (its records and keys exist).
bool IsLive(TransferStatus status) noexcept;

std::string Serialize(const TransferRecord& record);
std::string Serialize(const FileRecord& record);
std::optional<TransferRecord> ParseTransfer(std::string_view data);
std::optional<FileRecord> ParseFile(std::string_view data);

} // namespace sealpost::store
