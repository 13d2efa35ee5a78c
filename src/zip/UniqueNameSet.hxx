// The names already used in one ZIP archive, so that every entry gets a
// sanitised name that differs from all others even on case-insensitive file
// systems: the second "report.pdf" (or "REPORT.PDF") becomes
// "report (2).pdf". Names the caller adds itself, such as the transfer's
// "message.txt", are reserved first so no uploaded file can take them.
// Owned by whoever builds one archive's entry list; one thread at a time.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace sealpost {

class UniqueNameSet {
public:
    /// Marks `name` as taken, exactly as given. Returns false if a name equal
    /// to it (ignoring case) was already taken.
    bool Reserve(std::string_view name);

    /// Sanitises `raw_name` (SanitizeFileName), makes it unique by inserting
    /// " (2)", " (3)", ... before the extension, marks it taken and returns it.
    std::string Add(std::string_view raw_name);

    /// Whether a name equal to `name` (ignoring case) is taken.
    bool Contains(std::string_view name) const;

private:
    /// Case-folded names taken so far.
    std::unordered_set<std::string> taken_;
    /// Per case-folded original name, the next number worth trying, so that
    /// thousands of equal names do not make adding quadratic.
    std::unordered_map<std::string, unsigned> next_number_;
};

} // namespace sealpost
