// Helpers for the age tests: encrypting and decrypting whole byte strings with
// AgeFileWriter/AgeFileReader through pipes-free temporary files.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/Error.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sealpost::test {

/// Encrypts `plain` to `recipient` with AgeFileWriter, in pieces of `piece` bytes.
std::vector<std::uint8_t> EncryptBytes(const age::AgeRecipient& recipient,
                                       std::span<const std::uint8_t> plain,
                                       std::size_t piece = 100000);

struct DecryptOutcome {
    /// Set when the reader failed.
    std::optional<age::AgeErrc> error;
    /// Every byte the reader returned before it finished or failed.
    std::vector<std::uint8_t> plain;
};

/// Decrypts `blob` with AgeFileReader, collecting whatever it returns.
DecryptOutcome DecryptBytes(const age::AgeIdentity& identity, std::span<const std::uint8_t> blob);

} // namespace sealpost::test
