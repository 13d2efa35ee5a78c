// The only include of toml++ in sealpost; internal to src/config/. Debian's
// libtomlplusplus is a shared library built with exceptions (symbols in toml::v3::ex),
// so every translation unit must see TOML_EXCEPTIONS == 1 or it will not link.
#pragma once

#include <toml++/toml.h>

static_assert(TOML_EXCEPTIONS, "sealpost's config parser expects toml++ with exceptions");

namespace sealpost {

/// "string", "integer", "boolean", "array", "table", ... for error messages.
const char* TomlTypeName(const toml::node& node) noexcept;

} // namespace sealpost
