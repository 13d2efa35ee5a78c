// A validated e-mail address (RFC 5321 mailbox, practical subset): dot-atom
// local part, host-name domain of ASCII labels. Used for senders, recipients
// and every address that reaches a mail header or an SMTP envelope. A value
// type; parsing is a pure function, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sealpost {

/// Why a piece of text is not an acceptable address: a stable machine-readable
/// `code` (e.g. "missing_at", "domain_not_ascii") and an English sentence.
struct AddressError {
    std::string code;
    std::string message;
};

struct EmailAddressOptions {
    /// Accepts "admin@localhost"; recipients typed by users need a dot.
    bool allow_single_label_domain = false;
};

class EmailAddress {
public:
    using Options = EmailAddressOptions;

    static constexpr std::size_t kMaxLocalPart = 64;
    static constexpr std::size_t kMaxDomain = 255;
    static constexpr std::size_t kMaxAddress = 254;

    /// Parses an addr-spec exactly as given (no surrounding spaces, no
    /// "Name <…>"). Quoted local parts, domain literals and non-ASCII text are
    /// refused. On failure returns nullopt and fills `error` when given.
    static std::optional<EmailAddress> Parse(std::string_view text, AddressError* error = nullptr,
                                             Options options = {});

    /// Validates a domain on its own (e.g. one listed in the configuration).
    static bool ValidateDomain(std::string_view domain, AddressError* error = nullptr,
                               Options options = {});

    /// The local part as typed; mail systems may treat its case as significant.
    const std::string& LocalPart() const noexcept { return local_; }

    /// The domain, lower-case.
    const std::string& Domain() const noexcept { return domain_; }

    /// local-part@domain, the form used in headers and the SMTP envelope.
    std::string ToString() const { return local_ + '@' + domain_; }

    /// Lower-case form: two addresses with the same key are one recipient.
    std::string Key() const;

    /// Case-insensitive comparison of the whole address.
    bool SameMailbox(const EmailAddress& other) const noexcept;

    friend bool operator==(const EmailAddress&, const EmailAddress&) = default;

private:
    EmailAddress(std::string local, std::string domain)
        : local_(std::move(local)), domain_(std::move(domain)) {}

    std::string local_;
    std::string domain_;
};

/// ASCII lower-case copy; used for domains and address keys.
std::string AsciiLower(std::string_view text);

} // namespace sealpost
