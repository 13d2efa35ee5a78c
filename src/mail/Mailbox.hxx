// One party of an e-mail: an optional display name (UTF-8, any text a user
// typed) and a validated address. The address is checked when the Mailbox is
// made, so no header or SMTP command can ever carry CR, LF, control
// characters or angle brackets from it; the name is encoded when rendered
// (HeaderEncoding.hxx). A value type; safe to use from any thread.
#pragma once

#include "policy/EmailAddress.hxx"

#include <string>
#include <string_view>

namespace sealpost {

struct Mailbox {
    std::string display_name;
    EmailAddress address;

    /// Throws std::invalid_argument (with the reason) for an unusable
    /// address. Single-label domains such as "localhost" are accepted here:
    /// the operator's own addresses may use them.
    static Mailbox Make(std::string_view display_name, std::string_view address);

    /// Reads "Name <addr>", "\"Name\" <addr>" or a bare address, as in the
    /// mail.from setting. Throws std::invalid_argument.
    static Mailbox Parse(std::string_view text);
};

} // namespace sealpost
