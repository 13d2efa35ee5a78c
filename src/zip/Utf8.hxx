// Small UTF-8 helpers for file names in ZIP archives: strict decoding (so
// invalid input can be replaced, never passed on), encoding, cutting on a
// character boundary and a simple case fold for duplicate detection.
// Internal to src/zip, in its own namespace so it cannot clash with the UTF-8
// helpers of other subsystems. Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealpost::zip_utf8 {

inline constexpr char32_t replacement_character = 0xFFFD;

struct Decoded {
    /// The code point, or replacement_character when `valid` is false.
    char32_t code;
    /// Bytes consumed, at least 1: for invalid input the longest prefix of a
    /// well-formed sequence (the "maximal subpart" of Unicode §3.9).
    std::size_t length;
    bool valid;
};

/// Decodes the character starting at text[pos]; pos < text.size().
Decoded Decode(std::string_view text, std::size_t pos) noexcept;

/// Appends the UTF-8 encoding of a valid Unicode scalar value.
void Append(std::string& out, char32_t code);

/// The largest length <= max_bytes that ends on a character boundary of the
/// (valid) UTF-8 text.
std::size_t PrefixLength(std::string_view text, std::size_t max_bytes) noexcept;

/// Folds case for Latin (ASCII, Latin-1, Latin Extended-A), Greek and
/// Cyrillic letters; other characters compare as they are. Good enough to
/// keep names apart that case-insensitive file systems would merge.
std::string FoldCase(std::string_view text);

} // namespace sealpost::zip_utf8
