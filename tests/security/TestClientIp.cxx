// The client address behind trusted proxies: X-Forwarded-For is believed only from a
// trusted peer, and only up to the right-most hop that is not a trusted proxy.
#include "security/ClientIp.hxx"

#include "http/Request.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using security::ClientIp;

TEST_CASE("X-Forwarded-For is ignored unless the peer is a trusted proxy", "[security]") {
    const std::vector<IpNetwork> trusted{ParseIpNetwork("10.0.0.0/8"), ParseIpNetwork("fd00::/8")};
    CHECK(ClientIp("192.0.2.9", "203.0.113.5", trusted) == "192.0.2.9");
    CHECK(ClientIp("192.0.2.9", "", {}) == "192.0.2.9");
    // No proxies configured: the peer, whatever the header says.
    CHECK(ClientIp("10.0.0.1", "203.0.113.5", {}) == "10.0.0.1");
}

TEST_CASE("the right-most untrusted hop is the client", "[security]") {
    const std::vector<IpNetwork> trusted{ParseIpNetwork("10.0.0.0/8"), ParseIpNetwork("fd00::/8")};
    CHECK(ClientIp("10.0.0.1", "203.0.113.5", trusted) == "203.0.113.5");
    // A client that forges hops on the left gains nothing.
    CHECK(ClientIp("10.0.0.1", "1.1.1.1, 203.0.113.5", trusted) == "203.0.113.5");
    // Chains of trusted proxies are walked through.
    CHECK(ClientIp("10.0.0.1", "198.51.100.4, 10.2.3.4,10.9.9.9", trusted) == "198.51.100.4");
    CHECK(ClientIp("fd00::1", "2001:db8::7, fd00::2", trusted) == "2001:db8::7");
    CHECK(ClientIp("::ffff:10.0.0.1", "203.0.113.5", trusted) == "203.0.113.5");
    // Ports and brackets.
    CHECK(ClientIp("10.0.0.1", "[2001:db8::1]:443", trusted) == "2001:db8::1");
    CHECK(ClientIp("10.0.0.1", "203.0.113.5:5000", trusted) == "203.0.113.5");
    // Every hop trusted: the left-most one.
    CHECK(ClientIp("10.0.0.1", "10.1.1.1, 10.2.2.2", trusted) == "10.1.1.1");
    // No header: the proxy itself.
    CHECK(ClientIp("10.0.0.1", "", trusted) == "10.0.0.1");
    // Garbage stops the walk at the nearest trusted address.
    CHECK(ClientIp("10.0.0.1", "203.0.113.5, unknown", trusted) == "10.0.0.1");
    CHECK(ClientIp("10.0.0.1", "evil, 10.2.2.2", trusted) == "10.2.2.2");
    CHECK(ClientIp("10.0.0.1", " , 203.0.113.5 ,", trusted) == "203.0.113.5");
}

TEST_CASE("every X-Forwarded-For field of a request counts, in order", "[security]") {
    const std::vector<IpNetwork> trusted{ParseIpNetwork("127.0.0.1")};
    http::Request request;
    request.client_ip = "127.0.0.1";
    request.headers.Add("X-Forwarded-For", "198.51.100.1");
    request.headers.Add("x-forwarded-for", "203.0.113.8");
    CHECK(ClientIp(request, trusted) == "203.0.113.8");
    request.client_ip = "192.0.2.1";
    CHECK(ClientIp(request, trusted) == "192.0.2.1");
}
