// The upload endpoints under /api/v1/transfers/{id}/files: tus 1.0.0 (OPTIONS,
// creation, creation-with-upload, HEAD, PATCH, termination, checksum,
// expiration) and the non-resumable PUT …/files/{name} for curl. Handlers run
// on the loop thread and hand bytes to store::UploadSession.
#pragma once

namespace sealpost::http {
class Router;
struct Metrics;
} // namespace sealpost::http
namespace sealpost::store {
class Storage;
}

namespace sealpost::tus {

void AddTusRoutes(http::Router& router, store::Storage& storage, http::Metrics& metrics);

} // namespace sealpost::tus
