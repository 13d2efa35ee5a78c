// TLS termination checked with real clients: curl and openssl s_client.
#include "TestServer.hxx"
#include "lib/ssl/TlsContext.hxx"
#include "support/TempDir.hxx"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

using namespace sealpost;
using namespace sealpost::test;
using http::Exchange;
using http::Response;

namespace {

std::string Run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe))
        output.append(buffer, n);
    ::pclose(pipe);
    return output;
}

void MakeCertificate(const std::filesystem::path& dir, const std::string& cn) {
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=" +
        cn + " -addext subjectAltName=IP:127.0.0.1 -keyout " + (dir / "key.pem").string() +
        " -out " + (dir / "cert.pem").string());
    std::filesystem::copy_file(dir / "cert.pem", dir / (cn + ".pem"),
                               std::filesystem::copy_options::overwrite_existing);
}

} // namespace

TEST_CASE("HTTPS with TLS 1.2+/AEAD, ALPN http/1.1 and certificate reload") {
    TempDir dir;
    MakeCertificate(dir.path, "first");
    auto tls = std::make_shared<ssl::TlsContext>((dir.path / "cert.pem").string(),
                                                 (dir.path / "key.pem").string());
    TestServer ts({}, tls);
    ts.router.Add("GET", "/ok", [](Exchange& ex) { ex.Respond(Response::Text(200, "secure")); });
    ts.router.Add("POST", "/echo",
                  [](Exchange& ex) { ex.Respond(Response::Text(200, ex.body())); });
    ts.router.Add(
        "PUT", "/in-place",
        [](Exchange& ex) { ex.ReadBody(std::make_unique<InPlaceConsumer>(ex, 100'000), 1u << 30); },
        http::BodyMode::stream);
    ts.Start();
    const std::string url = "https://127.0.0.1:" + std::to_string(ts.port());

    const std::string first = (dir.path / "first.pem").string();
    auto out = Run("curl -sS --cacert " + first + " -w ' %{http_version}' " + url + "/ok");
    CHECK(out == "secure 1.1");

    // A body in both directions, larger than one TLS record.
    {
        std::ofstream body(dir.path / "body.bin", std::ios::binary);
        for (int i = 0; i < 600000; ++i)
            body.put(static_cast<char>('a' + i % 26));
    }
    out = Run("curl -sS --cacert " + first + " --data-binary @" + (dir.path / "body.bin").string() +
              " " + url + "/echo | sha256sum");
    CHECK(out == Run("sha256sum < " + (dir.path / "body.bin").string()));

    // A streamed body is decrypted straight into the consumer's memory, in
    // order and complete (its third field: the bytes that arrived in place).
    {
        std::ifstream in(dir.path / "body.bin", std::ios::binary);
        const std::string sent((std::istreambuf_iterator<char>(in)), {});
        out = Run("curl -sS --cacert " + first + " -H 'Expect:' -T " +
                  (dir.path / "body.bin").string() + " " + url + "/in-place");
        CHECK(out.starts_with(InPlaceConsumer::Expected(sent) + " "));
        CHECK(out != InPlaceConsumer::Expected(sent) + " 0");
    }

    out = Run("openssl s_client -connect 127.0.0.1:" + std::to_string(ts.port()) +
              " -alpn http/1.1 < /dev/null");
    CHECK(out.find("ALPN protocol: http/1.1") != std::string::npos);
    CHECK(out.find("New, TLSv1.3, Cipher is") != std::string::npos);

    // Old protocol versions and non-AEAD suites are refused.
    out = Run("openssl s_client -connect 127.0.0.1:" + std::to_string(ts.port()) +
              " -tls1_2 -cipher AES128-SHA -brief < /dev/null");
    CHECK(out.find("CONNECTION ESTABLISHED") == std::string::npos);
    out = Run("openssl s_client -connect 127.0.0.1:" + std::to_string(ts.port()) +
              " -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -brief < /dev/null");
    CHECK(out.find("CONNECTION ESTABLISHED") != std::string::npos);

    // TLS 1.2: the server's order of suites wins over the client's (a client
    // that lists AES-128 first still gets AES-256-GCM).
    out = Run("openssl s_client -connect 127.0.0.1:" + std::to_string(ts.port()) +
              " -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
              "ECDHE-ECDSA-AES256-GCM-SHA384 < /dev/null");
    CHECK(out.find("Cipher is ECDHE-ECDSA-AES256-GCM-SHA384") != std::string::npos);
    out = Run("openssl s_client -connect 127.0.0.1:" + std::to_string(ts.port()) +
              " -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305 "
              "< /dev/null");
    CHECK(out.find("Cipher is ECDHE-ECDSA-CHACHA20-POLY1305") != std::string::npos);

    // Reload picks up a new certificate for new connections.
    MakeCertificate(dir.path, "second");
    ts.RunOnLoop([&] { ts.server().ReloadTls(); });
    out = Run("curl -sS --cacert " + (dir.path / "second.pem").string() + " " + url + "/ok");
    CHECK(out == "secure");
    out = Run("curl -sS --cacert " + first + " " + url + "/ok");
    CHECK(out != "secure");

    CHECK(ts.Stop() == 0);
}

TEST_CASE("TLS context refuses a key that does not match the certificate") {
    TempDir a, b;
    MakeCertificate(a.path, "a");
    MakeCertificate(b.path, "b");
    CHECK_THROWS_WITH(
        ssl::TlsContext((a.path / "cert.pem").string(), (b.path / "key.pem").string()),
        Catch::Contains("mismatch"));
    CHECK_THROWS_WITH(
        ssl::TlsContext((a.path / "missing.pem").string(), (a.path / "key.pem").string()),
        Catch::Contains("cannot load certificate"));
}
