// Typed errors of the age layer. Chunk and header functions return an AgeErrc
// (no exceptions, so they can run inside threadpool jobs); the
// blocking conveniences (AgeFileReader/Writer, key parsing helpers that throw)
// throw AgeError carrying the same code. Any thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sealpost::age {

enum class AgeErrc : std::uint8_t {
    ok = 0,
    /// ParseHeader needs more bytes than it was given (not an error by itself).
    incomplete,
    /// The input ended before a complete header or a verified final chunk.
    truncated,
    /// Not an age file: the first line is not an age version line.
    not_age,
    /// An age file of a version other than v1.
    unsupported_version,
    /// The header violates the v1 grammar (line structure, base64, arguments).
    malformed_header,
    /// The header is larger than this implementation accepts.
    header_too_large,
    /// No stanza could be opened with the identity (wrong key).
    no_matching_stanza,
    /// The X25519 share is a low-order point (shared secret all zero).
    weak_share,
    /// The header MAC does not verify: the header was modified.
    bad_header_mac,
    /// A payload chunk does not authenticate: modified, reordered, wrongly
    /// flagged as final or not final, or cut short.
    bad_chunk,
    /// Bytes follow the final chunk.
    trailing_data,
    /// A size that no age file can have (for example a final chunk of 1..16 bytes).
    bad_size,
    /// A caller passed buffers of the wrong size.
    invalid_argument,
    /// Reading or writing a file descriptor failed (errno in the message).
    io_error,
    /// The crypto library failed internally.
    internal,
};

/// A short English description, for logs and error messages.
const char* Describe(AgeErrc code) noexcept;

class AgeError : public std::runtime_error {
    AgeErrc code_;

public:
    explicit AgeError(AgeErrc code);
    AgeError(AgeErrc code, const std::string& detail);

    AgeErrc Code() const noexcept { return code_; }
};

} // namespace sealpost::age
