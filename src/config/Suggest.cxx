#include "Suggest.hxx"

#include <algorithm>
#include <numeric>
#include <vector>

namespace sealpost {

std::size_t EditDistance(std::string_view a, std::string_view b) noexcept {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             std::span<const std::string_view> candidates) {
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    std::optional<std::string_view> best;
    std::size_t best_distance = limit + 1;
    for (const auto candidate : candidates) {
        const std::size_t distance = EditDistance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    if (best)
        return best;
    for (const auto candidate : candidates) {
        const auto shorter = std::min(word.size(), candidate.size());
        if (shorter >= 4 && (word.starts_with(candidate) || candidate.starts_with(word)))
            return candidate;
    }
    return std::nullopt;
}

} // namespace sealpost
