#include "zip/FileNameSanitizer.hxx"

#include "zip/Utf8.hxx"

#include <array>

namespace sealpost {

namespace {

constexpr std::size_t max_extension_bytes = 16;
constexpr std::string_view fallback_name = "file";

/// C0, DEL and C1 control characters.
bool IsControl(char32_t c) noexcept {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/// Characters that reorder text on screen and let "evil\u202Etxt.exe" pose
/// as a text file, plus invisible direction marks.
bool IsBidiFormatting(char32_t c) noexcept {
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

/// Characters Windows does not allow in file names (besides the separators).
bool IsInvalidOnWindows(char32_t c) noexcept {
    return c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*';
}

void TrimTrailingDotsAndSpaces(std::string& name) noexcept {
    while (!name.empty() && (name.back() == '.' || name.back() == ' '))
        name.pop_back();
}

char AsciiUpper(char c) noexcept {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (AsciiUpper(a[i]) != AsciiUpper(b[i]))
            return false;
    return true;
}

/// Windows opens a device instead of a file for these names, whatever the
/// extension ("nul.txt") and with trailing spaces before it ("CON .pdf").
bool IsWindowsDeviceName(std::string_view name) noexcept {
    std::string_view stem = name.substr(0, name.find('.'));
    while (!stem.empty() && stem.back() == ' ')
        stem.remove_suffix(1);

    static constexpr std::array<std::string_view, 4> plain{"CON", "PRN", "AUX", "NUL"};
    for (std::string_view device : plain)
        if (EqualsIgnoringAsciiCase(stem, device))
            return true;

    // COM0-9 and LPT0-9, and the superscript digits ¹ ² ³ Windows also maps.
    if (stem.size() < 4 || !(EqualsIgnoringAsciiCase(stem.substr(0, 3), "COM") ||
                             EqualsIgnoringAsciiCase(stem.substr(0, 3), "LPT")))
        return false;
    const std::string_view number = stem.substr(3);
    return (number.size() == 1 && number[0] >= '0' && number[0] <= '9') || number == "\u00B9" ||
           number == "\u00B2" || number == "\u00B3";
}

} // namespace

std::string SanitizeFileName(std::string_view raw) {
    std::string name;
    name.reserve(raw.size());
    for (std::size_t pos = 0; pos < raw.size();) {
        const zip_utf8::Decoded decoded = zip_utf8::Decode(raw, pos);
        pos += decoded.length;
        const char32_t c = decoded.code;
        if (c == '/' || c == '\\')
            name.clear(); // keep only what follows the last separator
        else if (IsInvalidOnWindows(c))
            name += '_';
        else if (!IsControl(c) && !IsBidiFormatting(c))
            zip_utf8::Append(name, c);
    }

    TrimTrailingDotsAndSpaces(name);
    if (IsWindowsDeviceName(name))
        name.insert(0, "_");
    if (name.size() > max_file_name_bytes) {
        const FileNameParts parts = SplitExtension(name);
        name = JoinFileName(parts.stem, {}, parts.extension);
    }
    if (name.empty())
        name = fallback_name;
    return name;
}

FileNameParts SplitExtension(std::string_view name) noexcept {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || name.size() - dot > max_extension_bytes)
        return {name, {}};
    return {name.substr(0, dot), name.substr(dot)};
}

std::string JoinFileName(std::string_view stem, std::string_view suffix,
                         std::string_view extension) {
    const std::size_t fixed = suffix.size() + extension.size();
    std::string name{stem.substr(0, zip_utf8::PrefixLength(stem, fixed < max_file_name_bytes
                                                                     ? max_file_name_bytes - fixed
                                                                     : 0))};
    TrimTrailingDotsAndSpaces(name);
    if (name.empty())
        name = fallback_name;
    name += suffix;
    name += extension;
    return name;
}

} // namespace sealpost
