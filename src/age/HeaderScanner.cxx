#include "age/HeaderScanner.hxx"

#include "util/Base64.hxx"

#include <algorithm>
#include <optional>
#include <string_view>

namespace sealpost::age {
namespace {

constexpr std::string_view kVersionPrefix = "age-encryption.org/";
constexpr std::string_view kVersionLine = "age-encryption.org/v1";
constexpr std::size_t kColumns = 64;
constexpr std::size_t kMacBase64Size = 43;

bool IsBase64Char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

bool IsVisible(char c) noexcept {
    return c >= 0x21 && c <= 0x7e;
}

/// Reads LF-terminated lines from a byte buffer.
class LineReader {
    std::string_view text_;
    std::size_t position_ = 0;

public:
    explicit LineReader(std::string_view text) noexcept : text_(text) {}

    std::size_t Position() const noexcept { return position_; }

    /// The next line without its LF, or nullopt if no LF follows.
    std::optional<std::string_view> Next() noexcept {
        const std::size_t end = text_.find('\n', position_);
        if (end == std::string_view::npos)
            return std::nullopt;
        const std::string_view line = text_.substr(position_, end - position_);
        position_ = end + 1;
        return line;
    }
};

/// Splits "-> a b c" into its arguments; nullopt unless there is at least one
/// argument and every argument is 1*VCHAR separated by single spaces.
std::optional<std::vector<std::string>> ParseArguments(std::string_view line) {
    line.remove_prefix(3);
    std::vector<std::string> arguments;
    while (true) {
        const std::size_t space = line.find(' ');
        const std::string_view argument = line.substr(0, space);
        if (argument.empty() || !std::all_of(argument.begin(), argument.end(), IsVisible))
            return std::nullopt;
        arguments.emplace_back(argument);
        if (space == std::string_view::npos)
            return arguments;
        line.remove_prefix(space + 1);
    }
}

} // namespace

AgeErrc ScanHeader(std::span<const std::uint8_t> data, ScannedHeader& out) {
    out = ScannedHeader{};
    const bool capped = data.size() > kMaxHeaderSize;
    const std::string_view text{reinterpret_cast<const char*>(data.data()),
                                std::min(data.size(), kMaxHeaderSize)};
    // An unfinished header within the cap needs more input; one that fills the
    // cap is too large.
    const AgeErrc unfinished = capped ? AgeErrc::header_too_large : AgeErrc::incomplete;

    // Recognise a non-age file early, from however many bytes there are.
    const std::size_t compared = std::min(text.size(), kVersionPrefix.size());
    if (text.substr(0, compared) != kVersionPrefix.substr(0, compared))
        return AgeErrc::not_age;

    LineReader lines{text};
    const auto version = lines.Next();
    if (!version)
        return unfinished;
    if (*version != kVersionLine)
        return AgeErrc::unsupported_version;

    while (true) {
        const std::size_t line_start = lines.Position();
        const auto line = lines.Next();
        if (!line)
            return unfinished;

        if (line->starts_with("---")) {
            if (out.stanzas.empty() || line->size() != 4 + kMacBase64Size || (*line)[3] != ' ')
                return AgeErrc::malformed_header;
            const auto mac =
                Base64Decode(line->substr(4), Base64Alphabet::standard, /*require_canonical=*/true);
            if (!mac || mac->size() != kHeaderMacSize)
                return AgeErrc::malformed_header;
            std::copy(mac->begin(), mac->end(), out.mac.begin());
            out.mac_input_size = line_start + 3;
            out.size = lines.Position();
            return AgeErrc::ok;
        }

        if (!line->starts_with("-> "))
            return AgeErrc::malformed_header;
        auto arguments = ParseArguments(*line);
        if (!arguments)
            return AgeErrc::malformed_header;

        std::string encoded;
        while (true) {
            const auto body_line = lines.Next();
            if (!body_line)
                return unfinished;
            if (body_line->size() > kColumns ||
                !std::all_of(body_line->begin(), body_line->end(), IsBase64Char))
                return AgeErrc::malformed_header;
            encoded += *body_line;
            if (body_line->size() < kColumns)
                break;
        }
        auto body = Base64Decode(encoded, Base64Alphabet::standard, /*require_canonical=*/true);
        if (!body)
            return AgeErrc::malformed_header;
        out.stanzas.push_back(Stanza{std::move(*arguments), std::move(*body)});
    }
}

} // namespace sealpost::age
