// The recipient side: /api/v1/downloads/{download_id}/… — transfer details,
// files streamed with Range/ETag/Content-Disposition, the confidential
// message, sha256sum checksums and the ZIP of everything. Access here is by
// the `X-Sealpost-Password` header (scripts); each request opens the
// transfer key with Argon2id off the loop thread.
#pragma once

namespace sealpost::http {
class Router;
struct Metrics;
} // namespace sealpost::http
namespace sealpost::store {
class Storage;
}

namespace sealpost::download {

void AddDownloadRoutes(http::Router& router, store::Storage& storage, http::Metrics& metrics);

} // namespace sealpost::download
