// Quoted-printable body encoding (RFC 2045 §6.7) for the text and HTML parts
// of notification mails. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost {

inline constexpr std::size_t kMaxQuotedPrintableLine = 76;

/// Encodes `text`, whose line breaks may be LF, CRLF or CR, into lines of at
/// most 76 characters joined by CRLF (hard breaks) or "=" CRLF (soft breaks).
/// Beyond what RFC 2045 requires, a line never starts with "." or "From "
/// and never ends in a space or tab, so that SMTP dot-stuffing, mbox
/// "From " quoting and whitespace-stripping relays cannot alter the body.
/// The result has no line break after its last line.
std::string QuotedPrintableEncode(std::string_view text);

} // namespace sealpost
