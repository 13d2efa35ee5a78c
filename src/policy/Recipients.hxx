// Turns what a sender typed or pasted into the recipient field (or sent as
// "recipients" in the API) into validated, de-duplicated addresses plus the
// entries that could not be used, each with its reason. Display names in
// "Name <addr>" entries are accepted and dropped: notifications go to the
// address alone. Pure functions; safe from any thread.
#pragma once

#include "policy/EmailAddress.hxx"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

/// One entry that is not a usable address: the text as typed (for "Name
/// <addr>", the part inside the brackets) and why.
struct InvalidRecipient {
    std::string entry;
    AddressError error;
};

struct ParsedRecipients {
    /// Valid addresses in the order first typed; a later entry that differs
    /// only in letter case is merged into the first.
    std::vector<EmailAddress> addresses;
    /// Unusable entries in input order, each distinct text once.
    std::vector<InvalidRecipient> invalid;

    bool Empty() const noexcept { return addresses.empty() && invalid.empty(); }
};

/// Splits on commas, semicolons, spaces, tabs and line breaks. Quoted display
/// names may contain separators ("Berg, Anna" <anna@example.se>); words that
/// are neither an address nor the name of a following <address> are invalid
/// entries.
ParsedRecipients ParseRecipients(std::string_view text);

/// The same for a list of fields, each of which may hold several entries;
/// duplicates are merged across the whole list.
ParsedRecipients ParseRecipients(std::span<const std::string> items);

/// Appends `more` to `into`, merging duplicates as ParseRecipients does.
void MergeRecipients(ParsedRecipients& into, const ParsedRecipients& more);

} // namespace sealpost
