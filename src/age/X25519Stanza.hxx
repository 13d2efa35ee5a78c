// The age X25519 recipient stanza, "-> X25519 <ephemeral share>" with the file
// key wrapped under HKDF-SHA-256(ikm = X25519 shared secret, salt = share ||
// recipient, info = "age-encryption.org/v1/X25519") by ChaCha20-Poly1305 with an
// all-zero nonce (body: 16 + 16 bytes). Pure functions; any thread.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/Error.hxx"
#include "age/FileKey.hxx"
#include "age/Stanza.hxx"

#include <optional>

namespace sealpost::age {

/// A new stanza wrapping `file_key` for `recipient`, with a fresh ephemeral
/// secret. Throws AgeError(internal) if the recipient is a low-order point.
Stanza WrapFileKeyX25519(const AgeRecipient& recipient, const FileKey& file_key);

/// Whether the stanza is of the X25519 type (its first argument is "X25519").
bool IsX25519Stanza(const Stanza& stanza) noexcept;

/// Checks an X25519 stanza's shape: exactly two arguments, a canonical base64
/// 32-byte share, a 32-byte body. Returns ok or malformed_header.
AgeErrc ValidateX25519Stanza(const Stanza& stanza);

/// Tries to unwrap a validated X25519 stanza with `identity`. Returns ok and sets
/// `file_key` when the stanza is addressed to this identity; ok with `file_key`
/// empty when it is not; weak_share for a low-order share (which must abort the
/// whole decryption); internal on a library failure.
AgeErrc UnwrapFileKeyX25519(const Stanza& stanza, const AgeIdentity& identity,
                            std::optional<FileKey>& file_key);

} // namespace sealpost::age
