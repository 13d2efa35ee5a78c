// The sender-side API of the OpenAPI document: sender verification and identities,
// passwords, the policy check, and transfers (create, submit, status,
// revoke). Handlers run on the loop thread; index writes and Argon2id go to
// the threadpool.
#pragma once

namespace sealpost::http {
class Router;
class Exchange;
} // namespace sealpost::http

namespace sealpost::security {
class SenderAuthenticator;
}

namespace sealpost::transfer {

class ApiContext;

/// `authn` says who the sender of a request is (cookie or token) and builds the
/// client cookie; it and the context must outlive the router.
void AddSenderRoutes(http::Router& router, ApiContext& context,
                     security::SenderAuthenticator& authn);
void AddTransferRoutes(http::Router& router, ApiContext& context,
                       security::SenderAuthenticator& authn);
/// Puts the sender check in front of the upload endpoints (tus and PUT under
/// /api/v1/transfers/{id}/files): only the transfer's sender, by cookie or token,
/// may upload, resume, inspect or terminate. Call after they are added
/// (tus::AddTusRoutes).
void GuardUploads(http::Router& router, ApiContext& context, security::SenderAuthenticator& authn);

} // namespace sealpost::transfer
