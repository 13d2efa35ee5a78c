// Header parsing for tus 1.0.0 (Upload-Length, Upload-Offset, Upload-Metadata,
// Upload-Checksum) and formatting of Upload-Expires. Pure functions, any thread.
#pragma once

#include "lib/evp/Digest.hxx"

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::tus {

inline constexpr std::string_view kVersion = "1.0.0";
inline constexpr std::string_view kExtensions =
    "creation,creation-with-upload,termination,checksum,expiration";
inline constexpr std::string_view kChecksumAlgorithms = "sha1,sha256";
inline constexpr std::string_view kOffsetContentType = "application/offset+octet-stream";

/// A non-negative decimal without sign or spaces; nullopt otherwise.
std::optional<std::uint64_t> ParseUint(std::string_view text);

/// "key base64,key2 base64,flag" → decoded values (a key without value maps to "").
/// nullopt on malformed base64 or duplicate keys.
std::optional<std::map<std::string, std::string>> ParseMetadata(std::string_view header);

struct Checksum {
    evp::DigestAlgorithm algorithm;
    std::vector<std::uint8_t> digest;
};
enum class ChecksumParse { ok, malformed, unsupported };
/// "sha1 <base64>" or "sha256 <base64>".
ChecksumParse ParseChecksum(std::string_view header, Checksum& out);

} // namespace sealpost::tus
