#include "lib/evp/Hkdf.hxx"

#include "lib/evp/Hmac.hxx"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace sealpost::evp {

void HkdfExtract(std::span<std::uint8_t, kHkdfSha256PrkSize> prk,
                 std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm) {
    static constexpr std::array<std::uint8_t, kHmacSha256Size> kZeroSalt{};
    HmacSha256(prk, salt.empty() ? std::span<const std::uint8_t>{kZeroSalt} : salt, ikm);
}

void HkdfExpand(std::span<std::uint8_t> out, std::span<const std::uint8_t, kHkdfSha256PrkSize> prk,
                std::span<const std::uint8_t> info) {
    if (out.size() > kHkdfSha256MaxOutput)
        throw std::invalid_argument("HKDF-Expand: output longer than 255 * 32 bytes");
    // T(i) = HMAC(PRK, T(i-1) || info || i); the input is assembled in one buffer
    // because only the one-shot HMAC is used.
    std::vector<std::uint8_t> input;
    input.reserve(kHmacSha256Size + info.size() + 1);
    std::array<std::uint8_t, kHmacSha256Size> block{};
    std::size_t done = 0;
    for (unsigned counter = 1; done < out.size(); ++counter) {
        input.clear();
        if (counter > 1)
            input.insert(input.end(), block.begin(), block.end());
        input.insert(input.end(), info.begin(), info.end());
        input.push_back(static_cast<std::uint8_t>(counter));
        HmacSha256(block, prk, input);
        const std::size_t n = std::min(block.size(), out.size() - done);
        std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(input.data(), input.size());
}

void Hkdf(std::span<std::uint8_t> out, std::span<const std::uint8_t> ikm,
          std::span<const std::uint8_t> salt, std::span<const std::uint8_t> info) {
    std::array<std::uint8_t, kHkdfSha256PrkSize> prk{};
    HkdfExtract(prk, salt, ikm);
    HkdfExpand(out, prk, info);
    OPENSSL_cleanse(prk.data(), prk.size());
}

} // namespace sealpost::evp
