#include "config/Duration.hxx"
#include "config/IpNetwork.hxx"
#include "config/ListenAddress.hxx"
#include "config/Size.hxx"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace sealpost;
using namespace std::chrono_literals;

namespace {

/// The message of the std::invalid_argument that parse(text) throws, or "" if none.
template <typename Parse> std::string ErrorOf(Parse parse, std::string_view text) {
    try {
        parse(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("ParseSize reads binary and decimal units and plain bytes", "[config]") {
    CHECK(ParseSize("100GiB") == 100ull << 30);
    CHECK(ParseSize("64MiB") == 64ull << 20);
    CHECK(ParseSize("16KiB") == 16384);
    CHECK(ParseSize("2TiB") == 2ull << 40);
    CHECK(ParseSize("1GB") == 1'000'000'000);
    CHECK(ParseSize("10MB") == 10'000'000);
    CHECK(ParseSize("5KB") == 5000);
    CHECK(ParseSize("512B") == 512);
    CHECK(ParseSize("4096") == 4096);
    CHECK(ParseSize("0") == 0);
    CHECK(ParseSize("1gib") == 1ull << 30);
    CHECK(ParseSize("8 MiB") == 8ull << 20);
    CHECK(ParseSize("18446744073709551615") == UINT64_MAX);
    CHECK(ParseSize("16777215TiB") == 16777215ull << 40);
}

TEST_CASE("ParseSize rejects bad syntax, unknown units and overflow", "[config]") {
    for (const char* bad :
         {"", "GiB", "-1GiB", "+1GiB", "1.5GiB", " 1GiB", "1GiB ", "1  GiB", "1 ", "0x10", "1GiB2"})
        CHECK(ErrorOf(ParseSize, bad) ==
              "expected a size such as \"100GiB\", \"64MiB\" or \"1GB\", got \"" +
                  std::string(bad) + "\"");
    CHECK(ErrorOf(ParseSize, "10XB") ==
          "unknown size unit \"XB\" in \"10XB\" (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
    CHECK(ErrorOf(ParseSize, "16777216TiB") == "size \"16777216TiB\" is too large");
    CHECK(ErrorOf(ParseSize, "18446744073709551616") ==
          "size \"18446744073709551616\" is too large");
    CHECK(ErrorOf(ParseSize, "18446744073709551615B") == "");
    CHECK(ErrorOf(ParseSize, "18446744073709551615KB") ==
          "size \"18446744073709551615KB\" is too large");
}

TEST_CASE("FormatSize prints the shortest exact size that parses back", "[config]") {
    CHECK(FormatSize(100ull << 30) == "100GiB");
    CHECK(FormatSize(1536) == "1536B");
    CHECK(FormatSize(2'000'000'000'000) == "2TB");
    CHECK(FormatSize(1000) == "1KB");
    CHECK(FormatSize(16384) == "16KiB");
    CHECK(FormatSize(1ull << 40) == "1TiB");
    CHECK(FormatSize(0) == "0B");
    for (const std::uint64_t n : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1000},
                                  std::uint64_t{3} << 20, UINT64_MAX})
        CHECK(ParseSize(FormatSize(n)) == n);
}

TEST_CASE("ParseDuration reads ms, s, m, h, d and plain seconds", "[config]") {
    CHECK(ParseDuration("250ms") == 250ms);
    CHECK(ParseDuration("10s") == 10s);
    CHECK(ParseDuration("5m") == 5min);
    CHECK(ParseDuration("2h") == 2h);
    CHECK(ParseDuration("1d") == 24h);
    CHECK(ParseDuration("30") == 30s);
    CHECK(ParseDuration("0") == 0ms);
    CHECK(ParseDuration("10 S") == 10s);
}

TEST_CASE("ParseDuration rejects bad syntax, unknown units and overflow", "[config]") {
    for (const char* bad : {"", "s", "-5s", "1.5s", "5 m s", "1h30m"})
        CHECK(ErrorOf(ParseDuration, bad).starts_with("expected a duration such as \"10s\""));
    CHECK(ErrorOf(ParseDuration, "1h30m").starts_with("expected a duration")); // one unit only
    CHECK(ErrorOf(ParseDuration, "3w") ==
          "unknown duration unit \"w\" in \"3w\" (use ms, s, m, h or d)");
    CHECK(ErrorOf(ParseDuration, "106751991168d") == "duration \"106751991168d\" is too long");
    CHECK(ErrorOf(ParseDuration, "106751991167d") == "");
    CHECK(ErrorOf(ParseDuration, "9223372036854775807ms") == "");
    CHECK(ErrorOf(ParseDuration, "9223372036854775808ms").ends_with("is too long"));
    CHECK(ErrorOf(ParseDuration, "99999999999999999999s").ends_with("is too long"));
}

TEST_CASE("FormatDuration prints the largest exact unit", "[config]") {
    CHECK(FormatDuration(30s) == "30s");
    CHECK(FormatDuration(60s) == "1m");
    CHECK(FormatDuration(90s) == "90s");
    CHECK(FormatDuration(24h) == "1d");
    CHECK(FormatDuration(1500ms) == "1500ms");
    CHECK(FormatDuration(0ms) == "0s");
    for (const auto d : {0ms, 1ms, 1000ms, 3'600'000ms, 86'400'001ms})
        CHECK(ParseDuration(FormatDuration(d)) == d);
}

TEST_CASE("ParseListenAddress splits IPv4 and bracketed IPv6 addresses", "[config]") {
    CHECK(ParseListenAddress("127.0.0.1:8080") == ListenAddress{"127.0.0.1", 8080});
    CHECK(ParseListenAddress("0.0.0.0:443") == ListenAddress{"0.0.0.0", 443});
    CHECK(ParseListenAddress("[::1]:8080") == ListenAddress{"::1", 8080});
    CHECK(ParseListenAddress("[::]:0") == ListenAddress{"::", 0});
    CHECK(ParseListenAddress("127.0.0.1:65535").port == 65535);
    CHECK(ParseListenAddress("[::1]:8080").IsIpv6());
    CHECK(ParseListenAddress("[::1]:8080").ToString() == "[::1]:8080");
    CHECK(ParseListenAddress("10.1.2.3:80").ToString() == "10.1.2.3:80");
}

TEST_CASE("ParseListenAddress names what is wrong", "[config]") {
    CHECK(ErrorOf(ParseListenAddress, "8080") == "expected HOST:PORT, got \"8080\"");
    CHECK(ErrorOf(ParseListenAddress, "127.0.0.1") == "expected HOST:PORT, got \"127.0.0.1\"");
    CHECK(ErrorOf(ParseListenAddress, "127.0.0.1:") ==
          "expected a numeric PORT after the colon, got \"127.0.0.1:\"");
    CHECK(ErrorOf(ParseListenAddress, "127.0.0.1:http") ==
          "expected a numeric PORT after the colon, got \"127.0.0.1:http\"");
    CHECK(ErrorOf(ParseListenAddress, "127.0.0.1:65536") ==
          "PORT must be in 0..65535, got \"127.0.0.1:65536\"");
    CHECK(ErrorOf(ParseListenAddress, "127.0.0.1:99999999999999999999") ==
          "PORT must be in 0..65535, got \"127.0.0.1:99999999999999999999\"");
    CHECK(ErrorOf(ParseListenAddress, "::1:8080") ==
          "expected an IPv6 address in brackets, such as [::1]:8080, got \"::1:8080\"");
    CHECK(ErrorOf(ParseListenAddress, "[::1]") == "expected [IPv6]:PORT, got \"[::1]\"");
    CHECK(ErrorOf(ParseListenAddress, "[::1:8080") ==
          "expected [IPv6]:PORT with a closing bracket, got \"[::1:8080\"");
    CHECK(ErrorOf(ParseListenAddress, "[127.0.0.1]:80") ==
          "expected an IPv6 address inside the brackets, got \"[127.0.0.1]:80\"");
    CHECK(ErrorOf(ParseListenAddress, "localhost:8080") ==
          "expected an IP address such as 127.0.0.1 or [::1] as HOST, got \"localhost:8080\"");
    CHECK(ErrorOf(ParseListenAddress, "256.0.0.1:80").starts_with("expected an IP address"));
    CHECK(ErrorOf(ParseListenAddress, ":8080").starts_with("expected an IP address"));
}

TEST_CASE("ParseIpNetwork reads addresses and CIDR networks", "[config]") {
    const auto lan = ParseIpNetwork("10.0.0.0/8");
    CHECK(lan.Contains("10.200.3.4"));
    CHECK(lan.Contains("::ffff:10.1.1.1"));
    CHECK_FALSE(lan.Contains("11.0.0.1"));
    CHECK_FALSE(lan.Contains("fd00::1"));
    CHECK_FALSE(lan.Contains("not an ip"));
    CHECK(lan.ToString() == "10.0.0.0/8");

    const auto single = ParseIpNetwork("127.0.0.1");
    CHECK(single.prefix_length == 32);
    CHECK(single.Contains("127.0.0.1"));
    CHECK_FALSE(single.Contains("127.0.0.2"));
    CHECK(single.ToString() == "127.0.0.1");

    const auto v6 = ParseIpNetwork("fd00::/8");
    CHECK(v6.ipv6);
    CHECK(v6.Contains("fdab::1"));
    CHECK_FALSE(v6.Contains("fe80::1"));
    CHECK(v6.ToString() == "fd00::/8");
    CHECK(ParseIpNetwork("0.0.0.0/0").Contains("8.8.8.8"));
    CHECK(ParseIpNetwork("::1").ToString() == "::1");
}

TEST_CASE("ParseIpNetwork names what is wrong", "[config]") {
    CHECK(ErrorOf(ParseIpNetwork, "10.0.0.0/33") ==
          "prefix length must be a number in 0..32, got \"10.0.0.0/33\"");
    CHECK(ErrorOf(ParseIpNetwork, "fd00::/129") ==
          "prefix length must be a number in 0..128, got \"fd00::/129\"");
    CHECK(ErrorOf(ParseIpNetwork, "10.0.0.0/") ==
          "prefix length must be a number in 0..32, got \"10.0.0.0/\"");
    CHECK(ErrorOf(ParseIpNetwork, "10.0.0.1/8") ==
          "\"10.0.0.1/8\" has host bits set; did you mean \"10.0.0.0/8\"?");
    CHECK(ErrorOf(ParseIpNetwork, "proxy.local") ==
          "expected an IP address or CIDR network such as \"10.0.0.0/8\", got \"proxy.local\"");
    CHECK(ErrorOf(ParseIpNetwork, "10.0.0/8").starts_with("expected an IP address"));
}
