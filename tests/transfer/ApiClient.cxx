#include "ApiClient.hxx"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace sealpost::test {

ClientResponse ApiClient::Request(const std::string& method, const std::string& target,
                                  const std::string& body,
                                  const std::vector<std::string>& headers) const {
    RawClient client(port);
    std::string request = method + " " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nConnection: close\r\n";
    if (!origin.empty())
        request += "Origin: " + origin + "\r\n";
    if (!cookie.empty())
        request += "Cookie: " + cookie + "\r\n";
    if (!forwarded_for.empty())
        request += "X-Forwarded-For: " + forwarded_for + "\r\n";
    for (const auto& header : headers)
        request += header + "\r\n";
    if (!body.empty())
        request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    client.Send(request);
    return client.ReadResponse(method == "HEAD");
}

std::string SetCookieValueOf(const ClientResponse& response, const std::string& name) {
    const auto it = response.headers.find("set-cookie");
    if (it == response.headers.end() || !it->second.starts_with(name + "="))
        return "";
    const auto start = name.size() + 1;
    return it->second.substr(start, it->second.find(';') - start);
}

std::string SpoolReader::NextCode() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
            const std::string name = entry.path().filename().string();
            if (!name.ends_with(".eml") || seen_.count(name))
                continue;
            seen_.insert(name);
            std::ifstream file(entry.path(), std::ios::binary);
            std::stringstream text;
            text << file.rdbuf();
            std::smatch match;
            const std::string body = text.str();
            if (std::regex_search(body, match, std::regex("\n    ([0-9]{8})\r?\n")))
                return match[1];
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("no verification mail arrived in " << dir_);
    return "";
}

ClientResponse Verify(const ApiClient& browser, SpoolReader& spool, const std::string& email) {
    const auto requested = browser.Post("/api/v1/verifications", {{"email", email}});
    REQUIRE(requested.status == 202);
    const std::string id = nlohmann::json::parse(requested.body)["verification_id"];
    return browser.Post("/api/v1/verifications/" + id, {{"code", spool.NextCode()}});
}

} // namespace sealpost::test
