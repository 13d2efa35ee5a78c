// The rules a transfer password must follow (product spec §3.5, config
// section [password]) and a generator of passwords that follow them.
// A plain value built from the configuration; Check and Generate are const
// and may be called from any thread. Violation messages quote parts of the
// password: show them to the person typing it, never log them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

/// One broken rule. `rule` is one of "min_length", "upper", "lower",
/// "sequence" (the names the OpenAPI document fixes); `message` is an English sentence.
struct PasswordViolation {
    std::string rule;
    std::string message;
};

struct PasswordPolicy {
    /// Minimum length in Unicode code points (characters, not bytes).
    std::size_t min_length = 12;
    bool require_upper = true;
    bool require_lower = true;
    /// Longest allowed run (see PasswordSequences.hxx): with 2, "abc", "321",
    /// "qwe" and "aaa" are refused. 0 turns the sequence rule off.
    std::size_t max_sequence = 2;

    /// Every violated rule, each at most once, in the order listed above.
    /// Empty means the password is acceptable.
    std::vector<PasswordViolation> Check(std::string_view password) const;

    /// A random password that passes Check: max(min_length, 16) characters
    /// drawn with the libsodium CSPRNG from letters and digits that cannot be
    /// mistaken for one another when read aloud or from a screen (no 0, O, 1,
    /// l, I), about 5.8 bits per character.
    std::string Generate() const;

    std::size_t GeneratedLength() const noexcept { return min_length > 16 ? min_length : 16; }
};

} // namespace sealpost
