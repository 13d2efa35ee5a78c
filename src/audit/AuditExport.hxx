// Export formats of the audit log: JSON lines (each line is the record's canonical
// text, AuditRecord.hxx, so every line can be re-hashed on its own) and CSV (RFC 4180:
// CRLF line ends, every field quoted when it holds a comma, quote, CR or LF, quotes
// doubled; detail as its canonical JSON text). CSV is opened in spreadsheets, and
// fields such as the user agent or an e-mail address are chosen by whoever makes the
// request: a field starting with = + - @ TAB or CR (a formula to Excel, LibreOffice
// and Google Sheets) gets a leading apostrophe, so it is shown as text, never run.
// The JSON lines keep the stored values exactly. Pure functions; any thread.
#pragma once

#include "audit/AuditRecord.hxx"

#include <optional>
#include <string>
#include <string_view>

namespace sealpost::audit {

enum class ExportFormat { json_lines, csv };

/// "json" (or "jsonl") and "csv"; nullopt otherwise.
std::optional<ExportFormat> ParseExportFormat(std::string_view name) noexcept;

/// The media type of the format ("application/x-ndjson", "text/csv; charset=utf-8").
std::string_view ExportMediaType(ExportFormat format) noexcept;

/// The canonical text of the record and "\n".
std::string ToJsonLine(const AuditRecord& record);

/// "seq,time,event,transfer_id,email,ip,user_agent,detail,prev_hash,hash\r\n".
std::string CsvHeader();
std::string ToCsvRow(const AuditRecord& record);

/// One RFC 4180 field, formula-neutralised.
std::string CsvField(std::string_view value);

/// The header (CSV only; empty for JSON lines).
std::string ExportHeader(ExportFormat format);
std::string ExportRecord(ExportFormat format, const AuditRecord& record);

} // namespace sealpost::audit
