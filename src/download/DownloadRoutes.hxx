// The recipient side: /api/v1/downloads/{download_id}/… — transfer details,
// unlock, files streamed with Range/ETag/Content-Disposition, the
// confidential message, sha256sum checksums and the ZIP of everything.
// Access is by the access cookie an unlock sets (AccessGrants.hxx: no
// Argon2id per request) or by the `X-Sealpost-Password` header (scripts;
// each request is a counted attempt with Argon2id off the loop thread).
// Retrievals are counted per recipient; receipts, lockout and deletion
// notices are mailed; every step is audited.
#pragma once

namespace sealpost::http {
class Router;
struct Metrics;
} // namespace sealpost::http
namespace sealpost::transfer {
class ApiContext;
}
namespace sealpost::security {
class SenderAuthenticator;
}

namespace sealpost::download {

/// `authn` reads the browser's sp_client cookie for QUICK.
void AddDownloadRoutes(http::Router& router, transfer::ApiContext& context,
                       security::SenderAuthenticator& authn, http::Metrics& metrics);

} // namespace sealpost::download
