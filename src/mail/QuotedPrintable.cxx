#include "mail/QuotedPrintable.hxx"

#include <fmt/format.h>

namespace sealpost {

namespace {

std::string Escaped(char c) {
    return fmt::format("={:02X}", static_cast<unsigned char>(c));
}

// Encodes one line (without its line break).
void EncodeLine(std::string_view line, std::string& out) {
    std::string physical;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        const auto u = static_cast<unsigned char>(c);
        const bool last = i + 1 == line.size();
        const auto token_for = [&](bool at_line_start) {
            const bool literal =
                (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
            const bool guard = at_line_start && (c == '.' || line.substr(i, 5) == "From ");
            return literal && !guard ? std::string(1, c) : Escaped(c);
        };
        std::string token = token_for(physical.empty());
        // A soft break costs one "=", so a line that continues holds at most 75.
        const std::size_t limit = last ? kMaxQuotedPrintableLine : kMaxQuotedPrintableLine - 1;
        if (physical.size() + token.size() > limit) {
            out += physical;
            out += "=\r\n";
            physical.clear();
            token = token_for(true);
        }
        physical += token;
    }
    out += physical;
}

} // namespace

std::string QuotedPrintableEncode(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find_first_of("\r\n", start);
        EncodeLine(text.substr(start, end == text.npos ? text.npos : end - start), out);
        if (end == text.npos)
            break;
        out += "\r\n";
        start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    }
    return out;
}

} // namespace sealpost
