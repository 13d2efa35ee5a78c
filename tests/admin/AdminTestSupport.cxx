#include "AdminTestSupport.hxx"

#include "admin/Totp.hxx"
#include "lib/sodium/PasswordHash.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::test {

std::string AddAdmin(const std::filesystem::path& data_dir, const std::string& name,
                     admin::Role role, const std::string& password, bool totp) {
    admin::AdminUsers users(data_dir / "admin");
    admin::AdminUser user;
    user.name = name;
    user.role = role;
    user.password_hash = sodium::PasswordHashString(password, 1, 8 << 20);
    if (totp)
        user.totp_secret = admin::NewTotpSecret();
    user.created_at = 1;
    if (!users.Add(user))
        throw std::runtime_error("user exists");
    return user.totp_secret;
}

ClientResponse Http::Request(const std::string& method, const std::string& target,
                             const std::string& body,
                             const std::vector<std::string>& headers) const {
    RawClient client(port);
    std::string request = method + " " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nConnection: close\r\n";
    if (!cookie.empty())
        request += "Cookie: other=1; sp_admin=" + cookie + "\r\n";
    bool has_origin = false;
    for (const auto& header : headers) {
        request += header + "\r\n";
        has_origin = has_origin || header.starts_with("Origin:");
    }
    if (origin && !has_origin && method != "GET" && method != "HEAD")
        request += "Origin: http://127.0.0.1:" + std::to_string(port) + "\r\n";
    if (!body.empty())
        request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    client.Send(request);
    return client.ReadResponse(method == "HEAD");
}

ClientResponse Http::Login(const std::string& user, const std::string& password,
                           const std::string& totp) {
    nlohmann::json body = {{"username", user}, {"password", password}};
    if (!totp.empty())
        body["totp"] = totp;
    auto response = Request("POST", "/api/v1/admin/session", body.dump());
    if (response.status == 200) {
        const std::string set = response.headers["set-cookie"];
        const auto start = set.find('=') + 1;
        cookie = set.substr(start, set.find(';') - start);
    }
    return response;
}

} // namespace sealpost::test
