// TransferKeys: a transfer's X25519 key pair (sk_T, pk_T) as an age identity, and
// the wraps under which sk_T is stored (README, "Storage"):
//
//   W_pw    PasswordKek record, purpose kTransferKeyPassword, ids {transfer id}
//   W_up    KeyWrap under the ServerKey, purpose kTransferKeyServer, ids {transfer id}
//   W_q[B]  KeyWrap under SK{A,B}, purpose kTransferKeyQuick, ids {transfer id, B}
//
// Each wrap holds the 32-byte raw X25519 scalar; formats are in KeyWrap.hxx and
// PasswordKek.hxx. Password operations take a PasswordKek, so the slow Argon2id
// step is explicit (and can be reused for W_inv). Owns sk_T (wiped); move-only;
// const members may run on any thread.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/ServerKey.hxx"
#include "crypto/SymmetricKey.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::crypto {

class TransferKeys {
    age::AgeIdentity identity_;

    static std::optional<TransferKeys> FromSecret(std::optional<sodium::SecretBuffer> secret);

public:
    explicit TransferKeys(age::AgeIdentity identity) noexcept : identity_(std::move(identity)) {}

    /// A fresh key pair for a new transfer.
    static TransferKeys Generate();

    const age::AgeIdentity& Identity() const noexcept { return identity_; }
    age::AgeRecipient Recipient() const noexcept { return identity_.Recipient(); }

    /// W_pw.
    std::vector<std::uint8_t> WrapWithPassword(const PasswordKek& kek,
                                               std::string_view transfer_id) const;
    static std::optional<TransferKeys> OpenWithPassword(const PasswordKek& kek,
                                                        std::string_view transfer_id,
                                                        std::span<const std::uint8_t> w_pw);

    /// W_up.
    std::vector<std::uint8_t> WrapForServer(const ServerKey& server_key,
                                            std::string_view transfer_id) const;
    static std::optional<TransferKeys> OpenWithServerKey(const ServerKey& server_key,
                                                         std::string_view transfer_id,
                                                         std::span<const std::uint8_t> w_up);

    /// W_q[B] under the QUICK shared key of sender and recipient B.
    std::vector<std::uint8_t> WrapForQuick(const SymmetricKey& shared_key,
                                           std::string_view transfer_id,
                                           std::string_view recipient) const;
    static std::optional<TransferKeys> OpenWithQuick(const SymmetricKey& shared_key,
                                                     std::string_view transfer_id,
                                                     std::string_view recipient,
                                                     std::span<const std::uint8_t> w_q);
};

} // namespace sealpost::crypto
