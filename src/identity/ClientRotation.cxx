#include "identity/ClientRotation.hxx"

namespace sealpost::identity {

ClientRecord RotateClient(SenderStore& store, const ClientCookie* old_cookie,
                          const ClientCookie& fresh, const SenderIdentity& verified,
                          std::int64_t now) {
    // Nothing is wrapped under the old client key yet; a re-wrap from
    // old_cookie->client_key to fresh.client_key belongs here, in the same step.
    return store.ReplaceClient(old_cookie, fresh, verified, now);
}

} // namespace sealpost::identity
