#include "zip/Utf8.hxx"

namespace sealpost::zip_utf8 {

namespace {

bool IsContinuation(unsigned char byte) noexcept {
    return (byte & 0xC0) == 0x80;
}

/// Simple lower-case mapping of the scripts FoldCase() covers.
char32_t FoldCodePoint(char32_t c) noexcept {
    if (c >= U'A' && c <= U'Z')
        return c + 0x20;
    if (c < 0xC0)
        return c;
    if (c <= 0xDE)
        return c == 0xD7 ? c : c + 0x20; // U+00D7 is the multiplication sign
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
        return c % 2 == 0 ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return c % 2 == 1 ? c + 1 : c;
    if (c == 0x178)
        return 0xFF;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x410 && c <= 0x42F)
        return c + 0x20;
    return c;
}

} // namespace

Decoded Decode(std::string_view text, std::size_t pos) noexcept {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80)
        return {lead, 1, true};

    // Length and the allowed range of the second byte (RFC 3629 §4), which
    // excludes overlong forms, surrogates and values above U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    char32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0F;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    } else {
        return {replacement_character, 1, false};
    }

    for (std::size_t i = 1; i < length; ++i) {
        if (pos + i >= text.size())
            return {replacement_character, i, false};
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        const bool in_range = i == 1 ? (byte >= low && byte <= high) : IsContinuation(byte);
        if (!in_range)
            return {replacement_character, i, false};
        code = code << 6 | (byte & 0x3F);
    }
    return {code, length, true};
}

void Append(std::string& out, char32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | code >> 6);
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | code >> 12);
        out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | code >> 18);
        out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

std::size_t PrefixLength(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes)
        return text.size();
    std::size_t length = max_bytes;
    while (length > 0 && IsContinuation(static_cast<unsigned char>(text[length])))
        --length;
    return length;
}

std::string FoldCase(std::string_view text) {
    std::string folded;
    folded.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const Decoded decoded = Decode(text, pos);
        Append(folded, FoldCodePoint(decoded.code));
        pos += decoded.length;
    }
    return folded;
}

} // namespace sealpost::zip_utf8
