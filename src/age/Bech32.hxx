// Bech32 (BIP 173) as age uses it: no length limit, the checksum computed over the
// lower-case string, output either all lower case (recipients, "age1…") or all
// upper case (identities, "AGE-SECRET-KEY-1…"). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::age {

struct Bech32Decoded {
    /// The human-readable part, in lower case.
    std::string hrp;
    /// The data part converted back to 8-bit bytes.
    std::vector<std::uint8_t> data;
};

/// Encodes `data` (8-bit bytes) under `hrp`. Throws std::invalid_argument for an
/// empty hrp or one with characters outside 33..126.
std::string Bech32Encode(std::string_view hrp, std::span<const std::uint8_t> data, bool upper_case);

/// Decodes a Bech32 string; nullopt on mixed case, bad characters, a bad
/// checksum or non-zero padding bits.
std::optional<Bech32Decoded> Bech32Decode(std::string_view text);

} // namespace sealpost::age
