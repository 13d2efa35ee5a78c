// Writing and reading the header of an age v1 file with one X25519 recipient
// (the blob header of every stored file). The header MAC is HMAC-SHA-256 under
// HKDF-SHA-256(ikm = file key, salt = empty, info = "header") over the header up
// to and including "---".
//
// ParseHeader is incremental in the simplest way: give it the first bytes of the
// file; if they do not yet hold the whole header it returns `incomplete`, and the
// caller reads more and calls again (a few KiB always suffice for sealpost's own
// blobs; kMaxHeaderSize bounds it). Pure, I/O-free and re-entrant; any thread.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/Error.hxx"
#include "age/FileKey.hxx"
#include "age/HeaderScanner.hxx"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace sealpost::age {

/// The complete header (version line, one X25519 stanza for `recipient`, MAC
/// line) wrapping `file_key`. Throws AgeError(internal) on a library failure.
std::string BuildHeader(const AgeRecipient& recipient, const FileKey& file_key);

struct ParsedHeader {
    FileKey file_key;
    /// Header bytes including the final LF: the payload nonce starts here.
    std::size_t size = 0;
};

/// Parses and authenticates the header at the start of `data` with `identity`.
/// Returns ok (and fills `out`), incomplete, or the error: not_age,
/// unsupported_version, malformed_header, header_too_large, no_matching_stanza,
/// weak_share, bad_header_mac, internal. On any error `out` holds no key.
[[nodiscard]] AgeErrc ParseHeader(std::span<const std::uint8_t> data, const AgeIdentity& identity,
                                  ParsedHeader& out);

} // namespace sealpost::age
