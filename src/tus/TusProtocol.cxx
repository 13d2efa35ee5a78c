#include "tus/TusProtocol.hxx"
#include "util/Base64.hxx"

#include <charconv>

namespace sealpost::tus {

std::optional<std::uint64_t> ParseUint(std::string_view text) {
    std::uint64_t value = 0;
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::map<std::string, std::string>> ParseMetadata(std::string_view header) {
    std::map<std::string, std::string> out;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view pair = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        while (!pair.empty() && pair.back() == ' ')
            pair.remove_suffix(1);
        if (pair.empty())
            continue;
        const auto space = pair.find(' ');
        const std::string key(pair.substr(0, space));
        std::string value;
        if (space != std::string_view::npos) {
            auto decoded = Base64DecodeToString(pair.substr(space + 1));
            if (!decoded)
                return std::nullopt;
            value = std::move(*decoded);
        }
        if (key.empty() || !out.emplace(key, std::move(value)).second)
            return std::nullopt;
    }
    return out;
}

ChecksumParse ParseChecksum(std::string_view header, Checksum& out) {
    const auto space = header.find(' ');
    if (space == std::string_view::npos)
        return ChecksumParse::malformed;
    const std::string_view name = header.substr(0, space);
    if (name == "sha1")
        out.algorithm = evp::DigestAlgorithm::sha1;
    else if (name == "sha256")
        out.algorithm = evp::DigestAlgorithm::sha256;
    else
        return ChecksumParse::unsupported;
    auto digest = Base64Decode(header.substr(space + 1));
    if (!digest || digest->size() != evp::Digest::SizeOf(out.algorithm))
        return ChecksumParse::malformed;
    out.digest = std::move(*digest);
    return ChecksumParse::ok;
}

} // namespace sealpost::tus
