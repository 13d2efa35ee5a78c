// The lines of the `checksums` download, in the format of GNU `sha256sum`, so
// that `sha256sum -c` checks a downloaded folder. Pure function, any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::download {

/// One line of `sha256sum` output. A name with a backslash, a line break or
/// a carriage return is escaped the way GNU sha256sum does (a leading
/// backslash marks the line, then \\, \n and \r), so that every file is
/// exactly one line whatever its name.
std::string ChecksumLine(std::string_view sha256, std::string_view name);

} // namespace sealpost::download
