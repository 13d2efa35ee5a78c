// Content-Disposition values per RFC 6266: an ASCII fallback `filename="…"`
// (quotes and control characters replaced) plus `filename*=UTF-8''…` with
// RFC 8187 percent-encoding. Pure function, any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::download {

std::string ContentDisposition(bool inline_view, std::string_view filename);

} // namespace sealpost::download
