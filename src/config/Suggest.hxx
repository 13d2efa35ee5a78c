// "Did you mean" for misspelt configuration keys: the known name closest to a word by
// edit distance, if it is close enough to be a plausible typo. Internal to src/config/;
// pure functions, any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace sealpost {

/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t EditDistance(std::string_view a, std::string_view b) noexcept;

/// The candidate nearest to word, when at most 2 edits (or a third of word's length)
/// away; failing that, a candidate of at least 4 characters that word starts with
/// ("listen_address" -> "listen") or that starts with word. nullopt if none fits.
/// Ties go to the earlier candidate.
std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             std::span<const std::string_view> candidates);

} // namespace sealpost
