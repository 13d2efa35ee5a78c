// UTF-8 decoding and encoding, and the small amount of letter-case knowledge
// that password rules and mail headers need (ASCII, Latin-1, Latin Extended-A,
// basic Greek and Cyrillic). Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::utf8 {

/// The code point that stands in for each byte of an invalid sequence.
inline constexpr char32_t kReplacement = U'\uFFFD';

/// Decodes UTF-8. Every byte of an invalid, overlong, truncated or surrogate
/// sequence becomes one U+FFFD, so the result has one element per character
/// a user would count.
std::u32string Decode(std::string_view text);

/// Appends the UTF-8 form of one code point (invalid ones become U+FFFD).
void Append(std::string& out, char32_t code_point);

std::string Encode(std::u32string_view text);

/// Returns `text` with every invalid sequence replaced by U+FFFD.
std::string Sanitize(std::string_view text);

/// Length in bytes of the valid sequence that starts at `text[0]`, or 0 when
/// the sequence there is invalid or truncated.
std::size_t SequenceLength(std::string_view text) noexcept;

bool IsUpper(char32_t c) noexcept;
bool IsLower(char32_t c) noexcept;

/// Simple lower-case mapping for the scripts listed above; other code points
/// are returned unchanged.
char32_t ToLower(char32_t c) noexcept;

/// C0 controls, DEL and the C1 controls U+0080..U+009F.
constexpr bool IsControl(char32_t c) noexcept {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

} // namespace sealpost::utf8
