// WrapContext: what a wrapped key or sealed record is bound to, a purpose string
// plus the ids of the objects it belongs to (transfer id, file id, address…).
// It is authenticated as associated data, so a wrap copied to another transfer
// or another role fails to open. Encoded without ambiguity as
//
//   "sealpost-ad" || version (1 byte) || count (1 byte)
//   || for the purpose and each id: length (u32 big-endian) || bytes
//
// A plain value that refers to caller-owned strings; any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace sealpost::crypto {

/// Purposes used by sealpost's key hierarchy (README, "Storage" and "Security").
namespace purpose {
/// W_pw: sk_T under the password KEK. ids: transfer id.
inline constexpr std::string_view kTransferKeyPassword = "sealpost/transfer-key/password";
/// W_up: sk_T under the server key while T is open. ids: transfer id.
inline constexpr std::string_view kTransferKeyServer = "sealpost/transfer-key/server";
/// W_q[B]: sk_T under SK{A,B}. ids: transfer id, recipient address.
inline constexpr std::string_view kTransferKeyQuick = "sealpost/transfer-key/quick";
/// An access grant: sk_T under a random key that only the recipient's access
/// cookie holds (after an unlock). ids: transfer id, download id, grant id.
inline constexpr std::string_view kTransferKeyAccess = "sealpost/transfer-key/access";
/// W_inv[B]: SK{A,B} under the password KEK. ids: transfer id, recipient address.
inline constexpr std::string_view kQuickInvitation = "sealpost/quick/invitation";
/// SK{A,B} under a browser's personal key. ids: the two addresses, sorted.
inline constexpr std::string_view kQuickSharedKey = "sealpost/quick/shared-key";
/// A QUICK activation code's bundle of shared keys. ids: address, code id.
inline constexpr std::string_view kQuickActivationCode = "sealpost/quick/activation-code";
/// Sealed metadata. ids: transfer id, file id (empty for the transfer itself).
inline constexpr std::string_view kFileName = "sealpost/metadata/file-name";
inline constexpr std::string_view kContentType = "sealpost/metadata/content-type";
inline constexpr std::string_view kMessage = "sealpost/metadata/message";
/// A file's SHA-256 and CRC-32 ("<hex> <decimal>"). ids: transfer id, file id.
inline constexpr std::string_view kFileDigest = "sealpost/metadata/file-digest";
} // namespace purpose

class WrapContext {
    std::string_view purpose_;
    std::vector<std::string_view> ids_;

public:
    WrapContext(std::string_view purpose, std::initializer_list<std::string_view> ids)
        : purpose_(purpose), ids_(ids) {}

    std::string_view Purpose() const noexcept { return purpose_; }

    /// The associated-data encoding above, for the given format version byte.
    std::vector<std::uint8_t> Encode(std::uint8_t version) const;
};

} // namespace sealpost::crypto
