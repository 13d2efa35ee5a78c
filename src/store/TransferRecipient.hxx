// What the storage seals to a transfer's public key pk_T: the recipient every
// blob of the transfer is encrypted to, and the sealed digests of a file's
// content. Pure functions; any thread.
#pragma once

#include "age/AgeRecipient.hxx"
#include "store/Records.hxx"

#include <cstdint>
#include <string_view>

namespace sealpost::store {

/// Throws std::runtime_error when the record's key is damaged.
age::AgeRecipient RecipientOf(const TransferRecord& t);

/// FileRecord::sealed_digest: "<sha256 hex> <crc32 decimal>" sealed to pk_T,
/// bound to the transfer and file ids.
Bytes SealDigest(const age::AgeRecipient& recipient, std::string_view transfer_id,
                 std::string_view file_id, std::string_view sha256_hex, std::uint32_t crc32);

} // namespace sealpost::store
