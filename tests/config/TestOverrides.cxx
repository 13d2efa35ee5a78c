#include "config/Config.hxx"
#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace sealpost;

TEST_CASE("Command-line overrides replace listen, data_dir and public_url", "[config]") {
    Config config = LoadConfigFromString("[server]\nlisten = \"127.0.0.1:9000\"\n");
    ApplyOverrides(config, "0.0.0.0:443", "/srv/sealpost", "https://files.example.org/");
    CHECK(config.server.listen == ListenAddress{"0.0.0.0", 443});
    CHECK(config.server.data_dir == "/srv/sealpost");
    CHECK(config.server.public_url == "https://files.example.org");

    ApplyOverrides(config, std::nullopt, std::nullopt, std::nullopt);
    CHECK(config.server.listen == ListenAddress{"0.0.0.0", 443});

    ApplyOverrides(config, "[::1]:8080", std::nullopt, std::nullopt);
    CHECK(config.server.listen == ListenAddress{"::1", 8080});
    CHECK(config.server.data_dir == "/srv/sealpost");
}

TEST_CASE("Invalid overrides are all reported, naming the flag, and change nothing", "[config]") {
    Config config;
    try {
        ApplyOverrides(config, "8080", "", "ftp://example.org");
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(e.Problems() == std::vector<std::string>{
                                  "--listen: expected HOST:PORT, got \"8080\"",
                                  "--data: must not be empty",
                                  "--public-url: expected an http:// or https:// URL, got "
                                  "\"ftp://example.org\"",
                              });
    }

    CHECK_THROWS_AS(ApplyOverrides(config, "127.0.0.1:1", std::nullopt, "nonsense"), ConfigError);
    CHECK(config == Config{});
}
