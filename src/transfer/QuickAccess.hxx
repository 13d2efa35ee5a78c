// What the routes need of QUICK besides its own routes (QuickRoutes.cxx): the
// browser behind a request as QUICK knows it, and the answer when it is not
// verified for the address an operation needs.
#pragma once

#include "http/Response.hxx"
#include "store/QuickKeys.hxx"

#include <optional>
#include <string_view>

namespace sealpost::http {
class Exchange;
class Router;
} // namespace sealpost::http
namespace sealpost::security {
class SenderAuthenticator;
}

namespace sealpost::transfer {

class ApiContext;

/// The request's browser (sp_client cookie: handle and client key) when QUICK
/// is enabled and the browser is verified for `email` now; else nullopt.
std::optional<store::QuickBrowser> QuickBrowserOf(ApiContext& ctx,
                                                  const security::SenderAuthenticator& authn,
                                                  const http::Exchange& ex, std::string_view email);

/// 403 problem, reason quick_identity_required, with the address to verify.
http::Response QuickIdentityRequired(std::string_view email);

/// GET /api/v1/quick, activation codes, reactivation, DELETE of a connection,
/// and GET /api/v1/cookies.
void AddQuickRoutes(http::Router& router, ApiContext& ctx, security::SenderAuthenticator& authn);

} // namespace sealpost::transfer
