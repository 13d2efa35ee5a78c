#include "policy/PasswordPolicy.hxx"
#include "policy/PasswordSequences.hxx"
#include "policy/Utf8.hxx"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace sealpost;

namespace {

using Strings = std::vector<std::string>;

Strings Rules(std::string_view password, const PasswordPolicy& policy = {}) {
    Strings rules;
    for (const PasswordViolation& v : policy.Check(password))
        rules.push_back(v.rule);
    return rules;
}

std::string Message(std::string_view password, std::string_view rule,
                    const PasswordPolicy& policy = {}) {
    for (const PasswordViolation& v : policy.Check(password))
        if (v.rule == rule)
            return v.message;
    return {};
}

// The texts of the runs refused with the given longest allowed run.
Strings Sequences(std::string_view password, std::size_t max_sequence = 2) {
    const std::u32string chars = utf8::Decode(password);
    Strings out;
    for (const SequenceRun& run : FindSequenceRuns(chars, max_sequence + 1))
        out.push_back(utf8::Encode(chars.substr(run.start, run.length)));
    return out;
}

} // namespace

TEST_CASE("every rule is refused by name") {
    CHECK(Rules("Short1") == Strings{"min_length"});
    CHECK(Rules("alllowercase1x") == Strings{"upper", "sequence"});
    CHECK(Rules("ALLUPPERCASE") == Strings{"lower"});
    CHECK(Rules("Abcdefghijkl") == Strings{"sequence"});
    CHECK(Rules("Passw0rdqwe") == Strings{"min_length", "sequence"});
    CHECK(Rules("Passw0rd111x") == Strings{"sequence"});
    CHECK(Rules("Xyzcba9876Pq") == Strings{"sequence"});
    CHECK(Rules("") == Strings{"min_length", "upper", "lower"});
    CHECK(Rules("123456") == Strings{"min_length", "upper", "lower", "sequence"});
}

TEST_CASE("acceptable passwords pass") {
    for (const char* ok : {"Tr0ub4dor&Horse", "Staple9Battery!", "Blåbärssylt7X", "Gx7#mPq2vLz!",
                           "correct Horse battery", "Vinter-Ö-2024-Nej", "ÅkeÖstberg2Tåg"})
        CHECK(Rules(ok).empty());
}

TEST_CASE("messages are precise English sentences") {
    CHECK(Message("Short1", "min_length") == "must be at least 12 characters long (it is 6)");
    CHECK(Message("ALLUPPERCASE", "lower") == "must contain at least one lower-case letter");
    CHECK(Message("alllowercase1x", "upper") == "must contain at least one upper-case letter");
    CHECK(Message("Abcdefghijkl", "sequence") ==
          "contains the sequence \"Abcdefghijkl\"; runs of 3 or more are not allowed");
    CHECK(Message("Xyzcba9876Pq", "sequence") ==
          "contains the sequences \"Xyz\", \"cba\" and \"9876\"; runs of 3 or more are not "
          "allowed");
    CHECK(Message("Hallå-abc-abc-Q", "sequence") ==
          "contains the sequence \"abc\"; runs of 3 or more are not allowed");
    CHECK(Message("Hallå-abcd-Qq9", "sequence", {.max_sequence = 3}) ==
          "contains the sequence \"abcd\"; runs of 4 or more are not allowed");
}

TEST_CASE("length counts code points, not bytes") {
    // 11 characters, 22 bytes.
    CHECK(Rules("ÅÄÖåäöÅÄÖåä") == Strings{"min_length"});
    CHECK(Message("ÅÄÖåäöÅÄÖåä", "min_length") == "must be at least 12 characters long (it is 11)");
    CHECK(Rules("ÅÄÖåäöÅÄÖåäö").empty());
    // Letters of other scripts count as upper and lower case.
    CHECK(Rules("Ωmega-ωmega-Q").empty());
    CHECK(Rules("ЖУРНАЛ-ДНЕЙ-9") == Strings{"lower"});
    // Invalid UTF-8 bytes count one each and are never letters.
    CHECK(Rules("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5") ==
          Strings{"min_length", "upper", "lower", "sequence"});
}

TEST_CASE("alphabetic runs in both directions, case-insensitive") {
    CHECK(Sequences("xabcx") == Strings{"abc"});
    CHECK(Sequences("xcbax") == Strings{"cba"});
    CHECK(Sequences("xaBcx") == Strings{"aBc"});
    CHECK(Sequences("XYZ") == Strings{"XYZ"});
    CHECK(Sequences("abcba") == Strings{"abc", "cba"});
    CHECK(Sequences("abab").empty());
    CHECK(Sequences("ace").empty());
    CHECK(Sequences("yza").empty()); // the alphabet does not wrap
}

TEST_CASE("numeric runs in both directions; 890 counts as a digit-row run, 901 not") {
    CHECK(Sequences("a123b") == Strings{"123"});
    CHECK(Sequences("a321b") == Strings{"321"});
    CHECK(Sequences("a012b") == Strings{"012"});
    CHECK(Sequences("a890b") == Strings{"890"});
    CHECK(Sequences("a098b") == Strings{"098"});
    CHECK(Sequences("a901b").empty());
    CHECK(Sequences("a135b").empty());
}

TEST_CASE("keyboard runs within the QWERTY rows, both directions") {
    for (const char* run : {"qwe", "ewq", "asd", "dsa", "zxc", "cxz", "wer", "tyu", "iop", "poi",
                            "fgh", "jkl", "lkj", "vbn", "bnm", "mnb", "QWE", "aSd"})
        CHECK(Sequences(std::string("1") + run + "8") == Strings{run});
    CHECK(Sequences("xghjklx") == Strings{"ghjkl"});
    CHECK(Sequences("qwertyuiop") == Strings{"qwertyuiop"});
    // Rows do not continue onto the next row.
    CHECK(Sequences("opa").empty());
    CHECK(Sequences("pas").empty());
    CHECK(Sequences("lzx").empty());
    CHECK(Sequences("qaz").empty()); // columns are not runs
}

TEST_CASE("repeats of any character") {
    CHECK(Sequences("xaaax") == Strings{"aaa"});
    CHECK(Sequences("x111x") == Strings{"111"});
    CHECK(Sequences("x!!!x") == Strings{"!!!"});
    CHECK(Sequences("xÅåÅx") == Strings{"ÅåÅ"});
    CHECK(Sequences("xaAax") == Strings{"aAa"});
    CHECK(Sequences("xaax").empty());
}

TEST_CASE("max_sequence sets the longest allowed run") {
    const PasswordPolicy one{.max_sequence = 1};
    CHECK(Rules("Hab-xyz-gqmTvk", one) == Strings{"sequence"});
    CHECK(Sequences("xab", 1) == Strings{"ab"});
    CHECK(Sequences("xaa", 1) == Strings{"aa"});
    CHECK(Sequences("pwe", 1) == Strings{"we"});
    CHECK(Sequences("xw", 1) == Strings{"xw"});
    CHECK(Sequences("ace", 1).empty());

    const PasswordPolicy three{.max_sequence = 3};
    CHECK(Rules("Habc-Rtm-Qvz", three).empty());
    CHECK(Rules("Habcd-Rtm-Qvz", three) == Strings{"sequence"});

    const PasswordPolicy off{.max_sequence = 0};
    CHECK(Rules("Abcdefghijkl", off).empty());
}

TEST_CASE("rules can be configured off") {
    const PasswordPolicy lax{.min_length = 4, .require_upper = false, .require_lower = false};
    CHECK(Rules("x7m!", lax).empty());
    CHECK(Rules("X7M!", lax).empty());
    CHECK(Rules("x7m", lax) == Strings{"min_length"});
}

TEST_CASE("generated passwords pass the default policy, 10,000 of them, all different") {
    const PasswordPolicy policy;
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        const std::string password = policy.Generate();
        REQUIRE(password.size() == 16);
        REQUIRE(policy.Check(password).empty());
        REQUIRE(password.find_first_of("0O1lI") == std::string::npos);
        REQUIRE(password.find_first_not_of("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
                                           "23456789") == std::string::npos);
        seen.insert(password);
    }
    CHECK(seen.size() == 10000);
}

TEST_CASE("generated passwords pass under many policies") {
    int generated = 0;
    for (std::size_t max_sequence : {0, 1, 2, 3}) {
        for (std::size_t min_length : {1, 8, 12, 16, 17, 24, 40}) {
            for (bool require_case : {true, false}) {
                const PasswordPolicy policy{.min_length = min_length,
                                            .require_upper = require_case,
                                            .require_lower = require_case,
                                            .max_sequence = max_sequence};
                for (int i = 0; i < 200; ++i) {
                    const std::string password = policy.Generate();
                    REQUIRE(password.size() == std::max<std::size_t>(min_length, 16));
                    INFO(password << " min_length " << min_length << " max_sequence "
                                  << max_sequence);
                    REQUIRE(policy.Check(password).empty());
                    // Also within the stricter default rules whenever they apply.
                    if (max_sequence == 1 && require_case)
                        REQUIRE(PasswordPolicy{}.Check(password).empty());
                    ++generated;
                }
            }
        }
    }
    CHECK(generated == 4 * 7 * 2 * 200);
}
