#include "audit/AuditExport.hxx"

#include "util/Time.hxx"

namespace sealpost::audit {

std::optional<ExportFormat> ParseExportFormat(std::string_view name) noexcept {
    if (name == "json" || name == "jsonl")
        return ExportFormat::json_lines;
    if (name == "csv")
        return ExportFormat::csv;
    return std::nullopt;
}

std::string_view ExportMediaType(ExportFormat format) noexcept {
    return format == ExportFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
}

std::string ToJsonLine(const AuditRecord& record) {
    return CanonicalText(record) + "\n";
}

std::string CsvField(std::string_view value) {
    std::string text;
    if (!value.empty() &&
        std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
        text = "'";
    text.append(value);
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string CsvHeader() {
    return "seq,time,event,transfer_id,email,ip,user_agent,detail,prev_hash,hash\r\n";
}

std::string ToCsvRow(const AuditRecord& record) {
    const AuditEvent& e = record.event;
    std::string row = std::to_string(record.seq);
    for (const std::string& field :
         {Rfc3339(record.time), e.event, e.transfer_id, e.email, e.ip, e.user_agent,
          e.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), record.prev_hash,
          record.hash}) {
        row += ',';
        row += CsvField(field);
    }
    row += "\r\n";
    return row;
}

std::string ExportHeader(ExportFormat format) {
    return format == ExportFormat::csv ? CsvHeader() : std::string();
}

std::string ExportRecord(ExportFormat format, const AuditRecord& record) {
    return format == ExportFormat::csv ? ToCsvRow(record) : ToJsonLine(record);
}

} // namespace sealpost::audit
