// Base64 (RFC 4648 §4) and base64url (§5) encoding and decoding.
// Pure functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

enum class Base64Alphabet { standard, url };

/// Encodes bytes; `pad` appends '=' to a multiple of four characters.
std::string Base64Encode(std::span<const std::uint8_t> data,
                         Base64Alphabet alphabet = Base64Alphabet::standard, bool pad = true);

inline std::string Base64Encode(std::string_view data,
                                Base64Alphabet alphabet = Base64Alphabet::standard,
                                bool pad = true) {
    return Base64Encode(std::span{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
                        alphabet, pad);
}

/// Decodes; padding is optional unless `require_canonical` is set, in which case
/// the input must be unpadded and free of non-zero trailing bits (as age requires).
/// Returns nullopt on any invalid character or length.
std::optional<std::vector<std::uint8_t>>
Base64Decode(std::string_view text, Base64Alphabet alphabet = Base64Alphabet::standard,
             bool require_canonical = false);

std::optional<std::string> Base64DecodeToString(std::string_view text,
                                                Base64Alphabet alphabet = Base64Alphabet::standard);

} // namespace sealpost
