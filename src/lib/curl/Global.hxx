// Process-wide libcurl initialisation (curl_global_init), done once on first
// use whichever thread gets there first. Any thread may call GlobalInit();
// libcurl's global state is never torn down, since the SMTP sender may still
// run while the process exits.
#pragma once

namespace sealpost::curl {

/// Throws std::runtime_error when libcurl cannot initialise.
void GlobalInit();

} // namespace sealpost::curl
