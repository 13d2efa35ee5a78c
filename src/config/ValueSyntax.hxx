// Syntax checks for the string values of the configuration that are not sizes, durations
// or addresses: domain names, e-mail addresses, the public URL and the SMTP URL. Each
// Parse* function returns the normalised value or throws std::invalid_argument saying
// what is wrong (without the key name, which the caller adds). Internal to src/config/;
// pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost {

/// A DNS name such as "regionuppsala.se"; returned in lower case.
std::string ParseDomainName(std::string_view text);

/// "local@domain", as used for mail.admin_address.
std::string ParseMailAddress(std::string_view text);

/// "address" or "Display Name <address>", as used for mail.from.
std::string ParseMailbox(std::string_view text);

/// http:// or https:// URL with a host and no query or fragment; the trailing slash is
/// dropped so paths can be appended.
std::string ParseHttpUrl(std::string_view text);

/// smtp://HOST[:PORT] or smtps://HOST[:PORT] (HOST may be [IPv6]); no user name or
/// password in the URL.
std::string ParseSmtpUrl(std::string_view text);

/// Refuses CR, LF and other control characters (header injection in e-mails).
void RequireSingleLine(std::string_view text);

} // namespace sealpost
