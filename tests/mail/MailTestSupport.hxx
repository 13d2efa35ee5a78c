// Helpers shared by the mail tests: reading a rendered message back with an
// independent parser (Python's email package), splitting it into lines, and a
// quoted-printable decoder to check encodings against.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sealpost::test {

/// Runs tests/mail/parse_mail.py on `message`; fails the test if Python
/// cannot read it.
nlohmann::json ParseWithPython(std::string_view message);

/// Splits on CRLF; REQUIREs that no CR or LF occurs on its own.
std::vector<std::string> CrlfLines(std::string_view text);

/// The header section (up to the first empty line), one entry per physical line.
std::vector<std::string> HeaderLines(std::string_view message);

/// Number of header fields called `name` (case-insensitive) in the message's
/// top-level header section.
int CountHeader(std::string_view message, std::string_view name);

/// Decodes quoted-printable; CRLF hard breaks become "\n".
std::string QuotedPrintableDecode(std::string_view encoded);

} // namespace sealpost::test
