// HeaderScanner: the grammar of an age v1 header (c2sp.org/age), without any
// keys. Splits the first bytes of a file into stanzas and the MAC, checking the
// version line, the 64-column base64 bodies, canonical unpadded base64 and the
// "--- " MAC line. Used by ParseHeader; pure and re-entrant, any thread.
#pragma once

#include "age/Error.hxx"
#include "age/Stanza.hxx"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sealpost::age {

/// Headers larger than this are rejected; sealpost's own are about 200 bytes.
inline constexpr std::size_t kMaxHeaderSize = 64 * 1024;

inline constexpr std::size_t kHeaderMacSize = 32;

struct ScannedHeader {
    std::vector<Stanza> stanzas;
    std::array<std::uint8_t, kHeaderMacSize> mac{};
    /// Bytes covered by the MAC: everything up to and including "---".
    std::size_t mac_input_size = 0;
    /// Total header bytes, including the MAC line's LF.
    std::size_t size = 0;
};

/// Scans `data`, the first bytes of a file. Returns ok (with `out` filled),
/// incomplete when `data` is a valid but unfinished prefix, or not_age,
/// unsupported_version, malformed_header or header_too_large.
[[nodiscard]] AgeErrc ScanHeader(std::span<const std::uint8_t> data, ScannedHeader& out);

} // namespace sealpost::age
