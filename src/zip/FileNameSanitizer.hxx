// Turns a file name supplied by an uploader into one that is safe to put in
// a ZIP archive and to extract on Linux, macOS and Windows: a single valid
// UTF-8 path component that no extractor can resolve outside its target
// directory, without hidden control characters, without characters or device
// names Windows refuses, and no longer than file systems accept.
// Pure functions; safe from any thread. See UniqueNameSet for duplicates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealpost {

/// The longest name, in bytes, a sanitised name can have (the common limit
/// of Linux, macOS and Windows file systems).
inline constexpr std::size_t max_file_name_bytes = 255;

/// Keeps the last path component (after any '/' or '\'), replaces invalid
/// UTF-8 with U+FFFD, drops control and bidirectional-formatting characters,
/// replaces <>:"|?* with '_', trims trailing dots and spaces (so "." and ".."
/// vanish), prefixes Windows device names (CON, NUL, COM1, ...) with '_',
/// shortens the name to max_file_name_bytes on a character boundary keeping
/// a short extension, and returns "file" if nothing is left.
std::string SanitizeFileName(std::string_view raw);

struct FileNameParts {
    /// Everything before the extension, e.g. "report" or ".bashrc".
    std::string_view stem;
    /// The last '.' and what follows when that is a plausible extension (at
    /// most 16 bytes, not the leading dot of a hidden file), e.g. ".pdf".
    std::string_view extension;
};

FileNameParts SplitExtension(std::string_view name) noexcept;

/// stem + suffix + extension, with the stem shortened on a character
/// boundary (and stripped of trailing dots and spaces) so the result fits in
/// max_file_name_bytes. All parts must be valid UTF-8; suffix and extension
/// must be short.
std::string JoinFileName(std::string_view stem, std::string_view suffix,
                         std::string_view extension);

} // namespace sealpost
