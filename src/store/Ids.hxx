// Random identifiers: 128 bits from the CSPRNG as 26 lower-case base32
// characters (RFC 4648 alphabet, no padding). Used for transfers, files,
// download links and tokens; nothing guessable. Any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::store {

std::string NewId();
/// True for exactly the shape NewId() produces; ids from requests are checked
/// with this before they touch the index or a file name.
bool IsValidId(std::string_view id) noexcept;

} // namespace sealpost::store
