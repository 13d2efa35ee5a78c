// Finds the "sequences" that the password policy refuses: runs that follow the
// alphabet (abc, cba; letter case ignored), the digits (123, 321), a row of a
// QWERTY keyboard (qwe, ewq, asd, zxc, 890 on the digit row), or repeat one
// character (aaa, 111, ååå), in either direction. The digits do not wrap
// (901 is not a run) and the rows do not continue onto the next row.
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace sealpost {

/// A run inside a password, in code points.
struct SequenceRun {
    std::size_t start;
    std::size_t length;

    friend bool operator==(const SequenceRun&, const SequenceRun&) = default;
};

/// Every maximal run of at least `min_length` code points (min_length >= 2),
/// ordered by position. A run contained in a longer one is not listed, so
/// "ghjkl" (a keyboard run) is reported once, not also as "jkl".
std::vector<SequenceRun> FindSequenceRuns(std::u32string_view password, std::size_t min_length);

/// True when all of `text` (two or more code points) is one run.
bool IsSequenceRun(std::u32string_view text);

} // namespace sealpost
