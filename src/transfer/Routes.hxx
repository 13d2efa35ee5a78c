// The sender-side API of api.md: sender verification and identities,
// passwords, the policy check, and transfers (create, submit, status,
// revoke). Handlers run on the loop thread; index writes and Argon2id go to
// the threadpool.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace sealpost::http {
class Router;
class Exchange;
} // namespace sealpost::http

namespace sealpost::transfer {

class ApiContext;

void AddSenderRoutes(http::Router& router, ApiContext& context);
void AddTransferRoutes(http::Router& router, ApiContext& context);
/// Puts ApiContext::AuthorizeUpload in front of the upload routes; call
/// after they are added (tus::AddTusRoutes).
void GuardUploads(http::Router& router, ApiContext& context);

} // namespace sealpost::transfer
