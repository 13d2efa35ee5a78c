// Cookie names and flags (security/CookiePolicy.hxx) and the Origin rule
// (security/Origin.hxx) as pure functions.
#include "security/CookiePolicy.hxx"
#include "security/Origin.hxx"

#include "config/Config.hxx"
#include "http/Headers.hxx"
#include "http/Request.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using security::CookiePolicy;

TEST_CASE("cookies are Secure and __Host- prefixed exactly when the service is on HTTPS",
          "[security]") {
    Config config;
    CHECK_FALSE(CookiePolicy::From(config).Secure()); // http://127.0.0.1:8080
    config.server.public_url = "HTTPS://files.example.org";
    CHECK(CookiePolicy::From(config).Secure()); // TLS ends in a proxy in front
    config.server.public_url = "http://files.example.org";
    config.tls.cert = "cert.pem";
    config.tls.key = "key.pem";
    CHECK(CookiePolicy::From(config).Secure()); // TLS ends in sealpost

    const CookiePolicy secure(true), plain(false);
    CHECK(secure.SiteName("sp_client") == "__Host-sp_client");
    CHECK(plain.SiteName("sp_client") == "sp_client");
    CHECK(secure.SiteCookie("sp_admin", "abc", 60) ==
          "__Host-sp_admin=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
    CHECK(plain.SiteCookie("sp_admin", "abc", 60) ==
          "sp_admin=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
    // A path-scoped cookie cannot take __Host-: Secure only.
    CHECK(secure.PathCookie("sp_access", "k", "/api/v1/downloads/x", 10) ==
          "sp_access=k; Path=/api/v1/downloads/x; Max-Age=10; HttpOnly; SameSite=Strict; Secure");

    http::Headers headers;
    headers.Add("Cookie", "sp_client=planted; __Host-sp_client=real");
    CHECK(secure.ReadSite(headers, "sp_client") == "real");
    CHECK(plain.ReadSite(headers, "sp_client") == "planted");
    http::Headers only_plain;
    only_plain.Add("Cookie", "sp_client=planted");
    CHECK_FALSE(secure.ReadSite(only_plain, "sp_client")); // the unprefixed name is not read
}

TEST_CASE("a request's Origin is this service's own, foreign or missing", "[security]") {
    http::Request request;
    request.method = "POST";
    request.headers.Add("Host", "127.0.0.1:8443");
    const std::string public_url = "https://files.example.org/sealpost";
    CHECK(security::OriginOf(public_url) == "https://files.example.org");
    CHECK_FALSE(security::FromOwnOrigin(request, public_url));
    request.headers.Add("Origin", "https://FILES.example.org");
    CHECK(security::FromOwnOrigin(request, public_url) == true);
    request.headers.Set("Origin", "http://127.0.0.1:8443"); // the host it arrived at
    CHECK(security::FromOwnOrigin(request, public_url) == true);
    request.headers.Set("Origin", "https://127.0.0.1:8443"); // not over TLS here
    CHECK(security::FromOwnOrigin(request, public_url) == false);
    request.headers.Set("Origin", "https://files.example.org.evil.example");
    CHECK(security::FromOwnOrigin(request, public_url) == false);
    request.headers.Set("Origin", "null");
    CHECK(security::FromOwnOrigin(request, public_url) == false);

    for (const char* method : {"GET", "HEAD", "OPTIONS"})
        CHECK_FALSE(security::IsStateChanging(method));
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"})
        CHECK(security::IsStateChanging(method));
}
