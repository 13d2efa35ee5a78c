// The version of this sealpost build, for --version, logs and the API.
#pragma once

#include "sealpost_config.h"

#include <string_view>

namespace sealpost {

inline constexpr std::string_view kVersion = SEALPOST_VERSION;

} // namespace sealpost
