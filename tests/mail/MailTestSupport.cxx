#include "MailTestSupport.hxx"

#include "policy/EmailAddress.hxx"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace sealpost::test {

nlohmann::json ParseWithPython(std::string_view message) {
    char path[] = "/tmp/sealpost-mail-test-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream file(path, std::ios::binary);
        file.write(message.data(), static_cast<std::streamsize>(message.size()));
    }
    const std::string command = std::string("python3 '") + SEALPOST_PARSE_MAIL_SCRIPT + "' " + path;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        output.append(buffer, n);
    const int status = pclose(pipe);
    unlink(path);
    INFO("python3 output: " << output);
    REQUIRE(status == 0);
    return nlohmann::json::parse(output);
}

std::vector<std::string> CrlfLines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find("\r\n", start);
        const std::string_view line =
            text.substr(start, end == text.npos ? text.npos : end - start);
        INFO("line: " << line);
        REQUIRE(line.find_first_of("\r\n") == line.npos);
        lines.emplace_back(line);
        if (end == text.npos)
            return lines;
        start = end + 2;
    }
}

std::vector<std::string> HeaderLines(std::string_view message) {
    const std::size_t end = message.find("\r\n\r\n");
    REQUIRE(end != message.npos);
    return CrlfLines(message.substr(0, end));
}

int CountHeader(std::string_view message, std::string_view name) {
    const std::string wanted = AsciiLower(name) + ":";
    int count = 0;
    for (const std::string& line : HeaderLines(message))
        if (AsciiLower(line).starts_with(wanted))
            ++count;
    return count;
}

std::string QuotedPrintableDecode(std::string_view encoded) {
    std::string out;
    for (std::size_t i = 0; i < encoded.size();) {
        if (encoded.substr(i, 3) == "=\r\n") {
            i += 3;
        } else if (encoded.substr(i, 2) == "\r\n") {
            out += '\n';
            i += 2;
        } else if (encoded[i] == '=') {
            const std::string hex(encoded.substr(i + 1, 2));
            REQUIRE(hex.size() == 2);
            REQUIRE(hex.find_first_not_of("0123456789ABCDEF") == hex.npos);
            out += static_cast<char>(std::stoi(hex, nullptr, 16));
            i += 3;
        } else {
            out += encoded[i++];
        }
    }
    return out;
}

} // namespace sealpost::test
