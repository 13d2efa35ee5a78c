// Rotation of a browser's client cookie when a verification completes: the browser
// gets a fresh client id and client key CK, the identities its old cookie held carry
// over to the new record, and the old record is deleted, so a cookie planted in a
// victim's browser (by someone who kept a copy) never ends up holding the victim's
// identity. Whatever is wrapped under the old CK must be re-wrapped under the new
// one: the verification route does that for the QUICK keys (store::QuickKeys::Rewrap)
// right after this.
//
// Blocking (one LMDB write transaction): threadpool only.
#pragma once

#include "identity/SenderStore.hxx"

#include <cstdint>

namespace sealpost::identity {

/// Moves the browser from `old_cookie` (nullptr: it had none) to `fresh` and adds
/// `verified` to it. Returns the record now stored under fresh.Handle().
ClientRecord RotateClient(SenderStore& store, const ClientCookie* old_cookie,
                          const ClientCookie& fresh, const SenderIdentity& verified,
                          std::int64_t now);

} // namespace sealpost::identity
