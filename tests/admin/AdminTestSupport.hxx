// Helpers of the admin tests: administrators created in the data folder before the
// App starts (one LMDB environment may be open only once per process), and HTTP
// requests over a real loopback socket.
#pragma once

#include "admin/AdminUsers.hxx"

#include "../http/TestServer.hxx"

#include <filesystem>
#include <string>
#include <vector>

namespace sealpost::test {

/// Adds a user with a cheap Argon2id cost; returns the TOTP secret ("" without).
std::string AddAdmin(const std::filesystem::path& data_dir, const std::string& name,
                     admin::Role role, const std::string& password, bool totp = false);

struct Http {
    int port;
    std::string cookie; ///< sent as Cookie: sp_admin=… when set
    /// State-changing requests carry Origin: http://127.0.0.1:PORT (as the admin page
    /// would) unless `headers` name another Origin or this is false.
    bool origin = true;

    ClientResponse Request(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::vector<std::string>& headers = {}) const;

    /// POST /api/v1/admin/session; on 200 remembers the session cookie.
    ClientResponse Login(const std::string& user, const std::string& password,
                         const std::string& totp = "");
};

} // namespace sealpost::test
