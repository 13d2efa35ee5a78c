// SealedMetadata: small confidential records (file names, content types, short
// texts) encrypted to a transfer's public key pk_T, so that only the holder of
// sk_T can read them while anyone holding pk_T (the upload path) can write them.
// An ephemeral-X25519 sealed box bound to a WrapContext (purpose, transfer id,
// file id):
//
//   version 0x01 (1) || ephemeral public key E (32) || KeyWrap(k, context, text)
//   k = HKDF-SHA-256(ikm = X25519(e, pk_T), salt = E || pk_T,
//                    info = "sealpost/v1/sealed-metadata")
//
// KeyWrap adds its own version byte, random nonce and tag: 74 + text bytes.
// Pure functions; any thread.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "crypto/WrapContext.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::crypto {

class SealedMetadata {
public:
    static constexpr std::uint8_t kVersion = 1;

    static std::vector<std::uint8_t> Seal(const age::AgeRecipient& recipient,
                                          const WrapContext& context, std::string_view text);

    /// The text, or nullopt for another identity, another context, or damage.
    static std::optional<std::string> Open(const age::AgeIdentity& identity,
                                           const WrapContext& context,
                                           std::span<const std::uint8_t> sealed);
};

} // namespace sealpost::crypto
