#include "download/ChecksumLine.hxx"

namespace sealpost::download {

std::string ChecksumLine(std::string_view sha256, std::string_view name) {
    std::string escaped;
    bool marked = false;
    for (const char c : name) {
        if (c == '\\' || c == '\n' || c == '\r') {
            marked = true;
            escaped += '\\';
            escaped += c == '\\' ? '\\' : c == '\n' ? 'n' : 'r';
        } else {
            escaped += c;
        }
    }
    std::string line = marked ? "\\" : "";
    line.append(sha256);
    line += "  ";
    line += escaped;
    line += '\n';
    return line;
}

} // namespace sealpost::download
