// Renders header fields (RFC 5322) from untrusted text so that nothing a user
// typed can start a new header: values are single lines (control characters
// become spaces), non-ASCII or encoded-word-like text is written as RFC 2047
// encoded-words (=?UTF-8?B?…?=, each at most 75 characters, whole characters
// only), and lines are folded at 78 characters where possible. Pure
// functions; safe from any thread.
#pragma once

#include "mail/Mailbox.hxx"

#include <span>
#include <string>
#include <string_view>

namespace sealpost {

inline constexpr std::size_t kMaxHeaderLine = 78;
inline constexpr std::size_t kMaxEncodedWord = 75;

/// Makes user text fit for a header: invalid UTF-8 becomes U+FFFD and every
/// run of control characters (CR, LF, TAB, NUL, DEL, C1) one space.
std::string SanitizeHeaderText(std::string_view text);

/// RFC 5322 field name: printable ASCII except ':', not empty.
bool IsValidHeaderName(std::string_view name) noexcept;

/// "Name: value\r\n" with `value` as unstructured text (Subject and the
/// like). Printable ASCII that needs no encoding is written as is and folded
/// at its spaces; anything else is written as encoded-words.
std::string RenderUnstructuredHeader(std::string_view name, std::string_view value);

/// "Name: mailbox, mailbox\r\n"; display names are quoted or encoded as
/// needed, addresses are written in <…>.
std::string RenderAddressHeader(std::string_view name, std::span<const Mailbox> mailboxes);

} // namespace sealpost
