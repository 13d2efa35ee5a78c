// TOTP and base32 against the RFC test vectors; sessions with an injected clock.
#include "admin/AdminSessions.hxx"
#include "admin/Totp.hxx"

#include <catch2/catch.hpp>

using namespace sealpost;
using namespace sealpost::admin;
using namespace std::chrono_literals;

namespace {

std::span<const std::uint8_t> Bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace

TEST_CASE("base32 follows RFC 4648", "[admin]") {
    CHECK(Base32Encode(Bytes("")) == "");
    CHECK(Base32Encode(Bytes("f")) == "MY");
    CHECK(Base32Encode(Bytes("fo")) == "MZXQ");
    CHECK(Base32Encode(Bytes("foo")) == "MZXW6");
    CHECK(Base32Encode(Bytes("foob")) == "MZXW6YQ");
    CHECK(Base32Encode(Bytes("fooba")) == "MZXW6YTB");
    CHECK(Base32Encode(Bytes("foobar")) == "MZXW6YTBOI");
    const auto decoded = Base32Decode("mzxw6ytboi======");
    REQUIRE(decoded);
    CHECK(std::string(decoded->begin(), decoded->end()) == "foobar");
    CHECK_FALSE(Base32Decode("MZ1W"));
    CHECK(NewTotpSecret().size() == 32);
}

TEST_CASE("HOTP and TOTP match the RFC 4226 and RFC 6238 vectors", "[admin]") {
    const std::string secret = "12345678901234567890";
    // RFC 4226 appendix D.
    const char* hotp[] = {"755224", "287082", "359152", "969429", "338314",
                          "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t i = 0; i < 10; ++i)
        CHECK(HotpCode(Bytes(secret), i) == hotp[i]);
    // RFC 6238 appendix B (SHA-1), last six digits.
    const std::string b32 = Base32Encode(Bytes(secret));
    CHECK(TotpCode(b32, 59) == "287082");
    CHECK(TotpCode(b32, 1111111109) == "081804");
    CHECK(TotpCode(b32, 1111111111) == "050471");
    CHECK(TotpCode(b32, 1234567890) == "005924");
    CHECK(TotpCode(b32, 2000000000) == "279037");
    CHECK(TotpCode(b32, 20000000000) == "353130");
}

TEST_CASE("a code is accepted one step either side, not two", "[admin]") {
    const std::string secret = NewTotpSecret();
    const std::int64_t now = 1'800'000'015; // inside a step
    const std::int64_t step = now / 30;
    CHECK(MatchTotp(secret, *TotpCode(secret, now), now) == step);
    CHECK(MatchTotp(secret, *TotpCode(secret, now - 30), now) == step - 1);
    CHECK(MatchTotp(secret, *TotpCode(secret, now + 30), now) == step + 1);
    CHECK_FALSE(MatchTotp(secret, *TotpCode(secret, now - 60), now));
    CHECK_FALSE(MatchTotp(secret, *TotpCode(secret, now + 60), now));
    CHECK_FALSE(MatchTotp(secret, "12345", now));
    CHECK_FALSE(MatchTotp(secret, "", now));
    CHECK(OtpAuthUri("sealpost", "alice", "ABC") ==
          "otpauth://totp/"
          "sealpost:alice?secret=ABC&issuer=sealpost&algorithm=SHA1&digits=6&period=30");
}

TEST_CASE("sessions end when idle, when too old, at logout and with their user", "[admin]") {
    std::chrono::steady_clock::time_point now{};
    AdminSessions sessions({.idle_timeout = 600s, .max_age = 3600s, .max_sessions = 3},
                           [&] { return now; });
    const std::string a = sessions.Create("alice");
    CHECK(a.size() == 43); // 256 bits, base64url
    CHECK(sessions.Touch(a) == "alice");
    CHECK_FALSE(sessions.Touch(a + "x"));
    CHECK_FALSE(sessions.Touch(""));

    // Used every 9 minutes it lives, until the absolute limit.
    for (int i = 0; i < 6; ++i) {
        now += 540s;
        CHECK(sessions.Touch(a) == "alice");
    }
    now += 540s; // 63 minutes after creation
    CHECK_FALSE(sessions.Touch(a));

    const std::string b = sessions.Create("bob");
    now += 601s;
    CHECK_FALSE(sessions.Touch(b));

    const std::string c = sessions.Create("carol");
    const std::string d = sessions.Create("carol");
    const std::string e = sessions.Create("dave");
    sessions.End(e);
    CHECK_FALSE(sessions.Touch(e));
    sessions.EndUser("carol");
    CHECK_FALSE(sessions.Touch(c));
    CHECK_FALSE(sessions.Touch(d));

    // Bounded: the least recently used goes first.
    const std::string s1 = sessions.Create("u1");
    now += 1s;
    const std::string s2 = sessions.Create("u2");
    now += 1s;
    const std::string s3 = sessions.Create("u3");
    now += 1s;
    sessions.Touch(s1);
    sessions.Create("u4");
    CHECK(sessions.Size() == 3);
    CHECK_FALSE(sessions.Touch(s2));
    CHECK(sessions.Touch(s1) == "u1");
    CHECK(sessions.Touch(s3) == "u3");
}
