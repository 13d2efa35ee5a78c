#include "admin/Totp.hxx"

#include "lib/evp/Digest.hxx"
#include "lib/sodium/Compare.hxx"
#include "lib/sodium/Random.hxx"

#include <array>

namespace sealpost::admin {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kSha1Block = 64;

/// HMAC-SHA-1 (RFC 2104) from the SHA-1 digest.
std::array<std::uint8_t, evp::kSha1Size> HmacSha1(std::span<const std::uint8_t> key,
                                                  std::span<const std::uint8_t> message) {
    std::array<std::uint8_t, kSha1Block> block{};
    evp::Digest digest(evp::DigestAlgorithm::sha1);
    if (key.size() > kSha1Block) {
        digest.Update(key);
        digest.Finish(std::span{block.data(), evp::kSha1Size});
    } else {
        std::copy(key.begin(), key.end(), block.begin());
    }
    std::array<std::uint8_t, kSha1Block> pad{};
    for (std::size_t i = 0; i < kSha1Block; ++i)
        pad[i] = block[i] ^ 0x36;
    std::array<std::uint8_t, evp::kSha1Size> inner{};
    digest.Update(pad);
    digest.Update(message);
    digest.Finish(inner);
    for (std::size_t i = 0; i < kSha1Block; ++i)
        pad[i] = block[i] ^ 0x5c;
    std::array<std::uint8_t, evp::kSha1Size> out{};
    digest.Update(pad);
    digest.Update(inner);
    digest.Finish(out);
    return out;
}

std::string PercentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

} // namespace

std::string Base32Encode(std::span<const std::uint8_t> data) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t byte : data) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::vector<std::uint8_t>> Base32Decode(std::string_view text) {
    std::vector<std::uint8_t> out;
    std::uint32_t buffer = 0;
    int bits = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ')
            continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        if (padding)
            return std::nullopt;
        const char upper = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
        const auto value = kAlphabet.find(upper);
        if (value == std::string_view::npos)
            return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    return out;
}

std::string NewTotpSecret() {
    std::array<std::uint8_t, 20> secret{};
    sodium::RandomBytes(secret);
    return Base32Encode(secret);
}

std::string HotpCode(std::span<const std::uint8_t> secret, std::uint64_t counter) {
    std::array<std::uint8_t, 8> message{};
    for (int i = 7; i >= 0; --i, counter >>= 8)
        message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    const auto mac = HmacSha1(secret, message);
    const std::size_t offset = mac[mac.size() - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(mac[offset + 3]);
    std::string code = std::to_string(binary % 1'000'000);
    return std::string(6 - code.size(), '0') + code;
}

std::optional<std::string> TotpCode(std::string_view secret_base32, std::int64_t unix_time) {
    const auto secret = Base32Decode(secret_base32);
    if (!secret || secret->empty() || unix_time < 0)
        return std::nullopt;
    return HotpCode(*secret, static_cast<std::uint64_t>(unix_time / kTotpStepSeconds));
}

std::optional<std::int64_t> MatchTotp(std::string_view secret_base32, std::string_view code,
                                      std::int64_t unix_time) {
    const auto secret = Base32Decode(secret_base32);
    if (!secret || secret->empty() || code.size() != 6 || unix_time < kTotpStepSeconds)
        return std::nullopt;
    const std::int64_t now = unix_time / kTotpStepSeconds;
    std::optional<std::int64_t> match;
    for (std::int64_t step = now - 1; step <= now + 1; ++step) {
        const std::string expected = HotpCode(*secret, static_cast<std::uint64_t>(step));
        if (sodium::ConstantTimeEqual(
                std::span{reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()},
                std::span{reinterpret_cast<const std::uint8_t*>(code.data()), code.size()}))
            match = step;
    }
    return match;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32) {
    return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
           "?secret=" + std::string(secret_base32) + "&issuer=" + PercentEncode(issuer) +
           "&algorithm=SHA1&digits=6&period=30";
}

} // namespace sealpost::admin
