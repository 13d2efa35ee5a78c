#include "policy/Utf8.hxx"

namespace sealpost::utf8 {

std::size_t SequenceLength(std::string_view text) noexcept {
    if (text.empty())
        return 0;
    const auto b0 = static_cast<unsigned char>(text[0]);
    if (b0 < 0x80)
        return 1;

    std::size_t length;
    char32_t minimum;
    char32_t value;
    if ((b0 & 0xe0) == 0xc0) {
        length = 2;
        minimum = 0x80;
        value = b0 & 0x1f;
    } else if ((b0 & 0xf0) == 0xe0) {
        length = 3;
        minimum = 0x800;
        value = b0 & 0x0f;
    } else if ((b0 & 0xf8) == 0xf0) {
        length = 4;
        minimum = 0x10000;
        value = b0 & 0x07;
    } else {
        return 0;
    }
    if (text.size() < length)
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if ((b & 0xc0) != 0x80)
            return 0;
        value = (value << 6) | (b & 0x3f);
    }
    if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
        return 0;
    return length;
}

namespace {

char32_t DecodeValid(std::string_view sequence) noexcept {
    const auto b0 = static_cast<unsigned char>(sequence[0]);
    if (sequence.size() == 1)
        return b0;
    char32_t value = b0 & (0x7f >> sequence.size());
    for (std::size_t i = 1; i < sequence.size(); ++i)
        value = (value << 6) | (static_cast<unsigned char>(sequence[i]) & 0x3f);
    return value;
}

} // namespace

std::u32string Decode(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t length = SequenceLength(text);
        if (length == 0) {
            out.push_back(kReplacement);
            text.remove_prefix(1);
        } else {
            out.push_back(DecodeValid(text.substr(0, length)));
            text.remove_prefix(length);
        }
    }
    return out;
}

void Append(std::string& out, char32_t c) {
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        c = kReplacement;
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
}

std::string Encode(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text)
        Append(out, c);
    return out;
}

std::string Sanitize(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t length = SequenceLength(text);
        if (length == 0) {
            Append(out, kReplacement);
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, length));
            text.remove_prefix(length);
        }
    }
    return out;
}

namespace {

// Latin Extended-A pairs: which code point of a pair is the capital depends on
// the block, and a few letters have no partner.
bool LatinExtendedAUpper(char32_t c) noexcept {
    if (c == 0x130 || c == 0x178)
        return true;
    if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
        return false;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
        return (c & 1) == 1;
    return (c & 1) == 0;
}

} // namespace

bool IsUpper(char32_t c) noexcept {
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    if (c >= 0xc0 && c <= 0xde)
        return c != 0xd7;
    if (c >= 0x100 && c <= 0x17f)
        return LatinExtendedAUpper(c);
    if (c >= 0x391 && c <= 0x3a9)
        return c != 0x3a2;
    return c >= 0x400 && c <= 0x42f;
}

bool IsLower(char32_t c) noexcept {
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    if (c >= 0xdf && c <= 0xff)
        return c != 0xf7;
    if (c >= 0x100 && c <= 0x17f)
        return !LatinExtendedAUpper(c);
    if (c >= 0x3ac && c <= 0x3ce)
        return true;
    return c >= 0x430 && c <= 0x45f;
}

char32_t ToLower(char32_t c) noexcept {
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
    if (!IsUpper(c))
        return c;
    if (c <= 0xde || (c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40f)
        return c + 0x50;
    if (c == 0x130)
        return 'i';
    if (c == 0x178)
        return 0xff;
    return c + 1;
}

} // namespace sealpost::utf8
