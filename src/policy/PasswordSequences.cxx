#include "policy/PasswordSequences.hxx"

#include "policy/Utf8.hxx"

#include <algorithm>
#include <array>

namespace sealpost {

namespace {

// Each ordering lists characters in the order that makes a run; letters are
// compared in lower case.
constexpr std::array<std::string_view, 6> kOrderings = {
    "abcdefghijklmnopqrstuvwxyz", "0123456789", "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm",
};

int IndexIn(std::string_view ordering, char32_t c) noexcept {
    c = utf8::ToLower(c);
    if (c >= 0x80)
        return -1;
    const std::size_t i = ordering.find(static_cast<char>(c));
    return i == ordering.npos ? -1 : static_cast<int>(i);
}

// Does the pair (a, b) continue a run with the given step in this ordering?
bool Steps(std::string_view ordering, char32_t a, char32_t b, int step) noexcept {
    const int ia = IndexIn(ordering, a);
    const int ib = IndexIn(ordering, b);
    return ia >= 0 && ib >= 0 && ib == ia + step;
}

bool Repeats(char32_t a, char32_t b) noexcept {
    return utf8::ToLower(a) == utf8::ToLower(b);
}

template <typename Continues>
void CollectRuns(std::u32string_view text, std::size_t min_length, Continues continues,
                 std::vector<SequenceRun>& out) {
    std::size_t start = 0;
    for (std::size_t i = 1; i <= text.size(); ++i) {
        if (i < text.size() && continues(text[i - 1], text[i]))
            continue;
        if (i - start >= min_length)
            out.push_back({start, i - start});
        start = i;
    }
}

} // namespace

std::vector<SequenceRun> FindSequenceRuns(std::u32string_view password, std::size_t min_length) {
    min_length = std::max<std::size_t>(min_length, 2);
    std::vector<SequenceRun> runs;
    for (const std::string_view ordering : kOrderings)
        for (const int step : {1, -1})
            CollectRuns(
                password, min_length,
                [&](char32_t a, char32_t b) { return Steps(ordering, a, b, step); }, runs);
    CollectRuns(password, min_length, Repeats, runs);

    std::sort(runs.begin(), runs.end(), [](const SequenceRun& a, const SequenceRun& b) {
        return a.start != b.start ? a.start < b.start : a.length > b.length;
    });
    std::vector<SequenceRun> maximal;
    for (const SequenceRun& run : runs) {
        const bool contained = std::any_of(maximal.begin(), maximal.end(), [&](const auto& m) {
            return m.start <= run.start && run.start + run.length <= m.start + m.length;
        });
        if (!contained)
            maximal.push_back(run);
    }
    return maximal;
}

bool IsSequenceRun(std::u32string_view text) {
    if (text.size() < 2)
        return false;
    const auto runs = FindSequenceRuns(text, text.size());
    return !runs.empty();
}

} // namespace sealpost
