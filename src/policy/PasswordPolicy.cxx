#include "policy/PasswordPolicy.hxx"

#include "lib/sodium/Random.hxx"
#include "policy/PasswordSequences.hxx"
#include "policy/Utf8.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sealpost {

namespace {

std::string SequenceMessage(std::u32string_view password, const std::vector<SequenceRun>& runs,
                            std::size_t max_sequence) {
    std::vector<std::string> quoted;
    for (const SequenceRun& run : runs) {
        std::string text =
            fmt::format("\"{}\"", utf8::Encode(password.substr(run.start, run.length)));
        if (std::find(quoted.begin(), quoted.end(), text) == quoted.end())
            quoted.push_back(std::move(text));
    }
    std::string list = quoted.front();
    for (std::size_t i = 1; i < quoted.size(); ++i)
        list += (i + 1 == quoted.size() ? " and " : ", ") + quoted[i];
    return fmt::format("contains the sequence{} {}; runs of {} or more are not allowed",
                       quoted.size() > 1 ? "s" : "", list, max_sequence + 1);
}

// Letters and digits that read unambiguously: no 0/O, 1/l/I.
constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr std::string_view kLower = "abcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kDigits = "23456789";

char Pick(std::string_view alphabet) {
    return alphabet[sodium::RandomUniform(static_cast<std::uint32_t>(alphabet.size()))];
}

} // namespace

std::vector<PasswordViolation> PasswordPolicy::Check(std::string_view password) const {
    const std::u32string chars = utf8::Decode(password);
    std::vector<PasswordViolation> violations;

    if (chars.size() < min_length)
        violations.push_back(
            {"min_length", fmt::format("must be at least {} characters long (it is {})", min_length,
                                       chars.size())});
    if (require_upper && std::none_of(chars.begin(), chars.end(), utf8::IsUpper))
        violations.push_back({"upper", "must contain at least one upper-case letter"});
    if (require_lower && std::none_of(chars.begin(), chars.end(), utf8::IsLower))
        violations.push_back({"lower", "must contain at least one lower-case letter"});
    if (max_sequence > 0) {
        const auto runs = FindSequenceRuns(chars, max_sequence + 1);
        if (!runs.empty())
            violations.push_back({"sequence", SequenceMessage(chars, runs, max_sequence)});
    }
    return violations;
}

std::string PasswordPolicy::Generate() const {
    const std::size_t length = GeneratedLength();
    const std::string all = std::string(kUpper) + std::string(kLower) + std::string(kDigits);

    // Built one character at a time: a candidate that would complete a run
    // longer than max_sequence is drawn again. For any tail at most two
    // characters per ordering plus one repeat are excluded, far fewer than any
    // class offers, so every position is filled after a few draws; the outer
    // loop only guards against a rule this construction does not foresee.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const std::size_t upper_at = sodium::RandomUniform(static_cast<std::uint32_t>(length));
        std::size_t lower_at = sodium::RandomUniform(static_cast<std::uint32_t>(length - 1));
        if (lower_at >= upper_at)
            ++lower_at;

        std::u32string password;
        for (std::size_t i = 0; i < length; ++i) {
            const std::string_view alphabet = (require_upper && i == upper_at)   ? kUpper
                                              : (require_lower && i == lower_at) ? kLower
                                                                                 : all;
            for (;;) {
                password.push_back(static_cast<unsigned char>(Pick(alphabet)));
                const std::size_t window = max_sequence + 1;
                if (max_sequence == 0 || password.size() < window ||
                    !IsSequenceRun(std::u32string_view{password}.substr(password.size() - window)))
                    break;
                password.pop_back();
            }
        }
        std::string result = utf8::Encode(password);
        if (Check(result).empty())
            return result;
    }
    throw std::logic_error("PasswordPolicy::Generate found no password that passes the policy");
}

} // namespace sealpost
