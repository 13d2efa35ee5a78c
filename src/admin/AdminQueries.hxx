// What administrators see of the transfers: summaries (ids, status, addresses, sizes,
// counters and times — never file names, types or contents) filtered by status,
// sender or recipient, and the statistics of /api/v1/admin/stats. Shared by the admin
// routes and the command line.
//
// Blocking: these read the whole transfer index and query the filesystem. Call them
// on the threadpool (the routes do), the command line or tests.
#pragma once

#include "store/Records.hxx"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {
struct Config;
}
namespace sealpost::store {
class QuickKeys;
class Index;
}
namespace sealpost::audit {
class AuditStore;
}

namespace sealpost::admin {

struct TransferFilter {
    std::optional<store::TransferStatus> status;
    /// Case-insensitive substrings of the sender's / any recipient's address.
    std::string sender, recipient;
    /// Newest first, at most this many.
    std::size_t limit = 500;
};

std::optional<store::TransferStatus> ParseTransferStatus(std::string_view text) noexcept;

/// One transfer as administrators see it.
nlohmann::json TransferSummary(const store::TransferRecord& transfer, std::int64_t now);

/// {"transfers":[summary…]}, newest first.
nlohmann::json ListTransfers(const store::Index& index, const TransferFilter& filter);

/// {"transfers":{"total","open","provided","revoked","expired","deleted","locked"},
///  "bytes":{"stored","open","provided"}, "senders":{"internal","external"} (transfers
///  still stored, by the sender's domain), "failures":{"password_attempts",
///  "locked_transfers","deleted_after_attempts"}, "audit":{"events"}, "disk":{"free",
///  "available","capacity"}}.
/// QUICK connections for administration: one entry per (email, partner)
/// direction with the number of browsers holding a key for it and since when;
/// only those involving `email` when it is not empty. No key material.
nlohmann::json QuickConnections(const store::QuickKeys& quick, std::string_view email);

nlohmann::json ComputeStats(const store::Index& index, audit::AuditStore* audit, const Config& config);

} // namespace sealpost::admin
