// The service as operators and browsers see it: health, metrics, public
// config, the embedded web UI with ETag/gzip and page routes, security headers,
// and a clean stop.
#include "support/AppFixture.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace sealpost;
using namespace sealpost::test;

namespace {

std::string Curl(const std::string& args) {
    return Shell("curl -sS " + args);
}

std::string HeaderValue(const std::string& response, const std::string& name) {
    const auto pos = response.find("\r\n" + name + ": ");
    if (pos == std::string::npos)
        return "";
    const auto start = pos + name.size() + 4;
    return response.substr(start, response.find("\r\n", start) - start);
}

} // namespace

TEST_CASE("healthz, metrics and the public config") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    CHECK(nlohmann::json::parse(Curl(app.Url() + "/healthz")) == nlohmann::json{{"status", "ok"}});
    const auto config = nlohmann::json::parse(Curl(app.Url() + "/api/v1/config"));
    CHECK(config.at("max_retention_days") == 10);
    CHECK(config.at("password_policy").at("min_length") == 12);
    CHECK(config.at("max_transfer_size") == std::uint64_t{100} << 30);
    const std::string metrics = Curl(app.Url() + "/metrics");
    for (const char* name :
         {"sealpost_connections_open", "sealpost_http_requests_total{class=\"2xx\"}",
          "sealpost_http_received_bytes_total", "sealpost_http_sent_bytes_total",
          "sealpost_uploads_in_flight 0", "sealpost_downloads_in_flight 0"})
        CHECK(metrics.find(name) != std::string::npos);
    CHECK(app.Stop() == 0);
}

TEST_CASE("the embedded web UI: pages, ETag revalidation, gzip, legacy redirect, headers") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const std::string page = Curl("-i " + app.Url() + "/");
    CHECK(page.starts_with("HTTP/1.1 200"));
    CHECK(page.find("security-classified") != std::string::npos);
    CHECK(HeaderValue(page, "Content-Security-Policy").find("script-src 'self'") !=
          std::string::npos);
    CHECK(HeaderValue(page, "Referrer-Policy") == "no-referrer");
    CHECK(HeaderValue(page, "X-Content-Type-Options") == "nosniff");
    const std::string etag = HeaderValue(page, "ETag");
    REQUIRE_FALSE(etag.empty());
    CHECK(Curl("-o /dev/null -w '%{http_code}' -H 'If-None-Match: " + etag + "' " + app.Url() +
               "/") == "304");
    for (const char* path : {"/upload", "/d/abc", "/t/abc", "/admin"})
        CHECK(Curl("-o /dev/null -w '%{http_code}' " + app.Url() + path) == "200");

    const std::string css = Curl("-i -H 'Accept-Encoding: gzip' " + app.Url() + "/style.css");
    CHECK(HeaderValue(css, "Content-Type") == "text/css; charset=utf-8");
    CHECK(HeaderValue(css, "Content-Encoding") == "gzip");
    // BREACH: pages are never compressed (only constant scripts, styles and
    // images are), nor is any API answer.
    for (const char* path :
         {"/", "/upload", "/d/abc", "/t/abc", "/admin", "/api/v1/config", "/api/v1/nothing"})
        CHECK(HeaderValue(Curl("-i -H 'Accept-Encoding: gzip, deflate, br' " + app.Url() + path),
                          "Content-Encoding")
                  .empty());
    const std::string unzipped =
        Shell("curl -sS -H 'Accept-Encoding: gzip' " + app.Url() + "/style.css | gunzip");
    CHECK(unzipped == Curl(app.Url() + "/style.css"));

    const std::string redirect = Curl("-i '" + app.Url() + "/Upload1?to=a%40x.se&subject=Hi'");
    CHECK(redirect.starts_with("HTTP/1.1 301"));
    CHECK(HeaderValue(redirect, "Location") == "/upload?to=a%40x.se&subject=Hi");

    CHECK(Curl("-o /dev/null -w '%{http_code}' " + app.Url() + "/nothing-here") == "404");
    const std::string api404 = Curl("-i " + app.Url() + "/api/v1/nothing");
    CHECK(HeaderValue(api404, "Content-Type").starts_with("application/problem+json"));
    CHECK(app.Stop() == 0);
}

TEST_CASE("sealpost check-config and --version") {
    int code = -1;
    const std::string binary = SEALPOST_BINARY;
    CHECK(Shell(binary + " --version", &code).starts_with("sealpost "));
    CHECK(code == 0);
    TempDir dir;
    {
        std::ofstream bad(dir.path / "bad.toml");
        bad << "[server]\nlisten = \"8080\"\nmax_conections = 5\n";
    }
    const std::string out = Shell(
        binary + " check-config --config '" + (dir.path / "bad.toml").string() + "'", &code, true);
    CHECK(code == 2);
    CHECK(out.find("server.listen") != std::string::npos);
    CHECK(out.find("max_connections") != std::string::npos); // the suggestion
    Shell(binary + " serve --bogus", &code, true);
    CHECK(code == 2);
}
