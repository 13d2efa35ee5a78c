// PersonalKey: the QUICK personal key PK(client, E) of a browser for one verified
// address E, derived from the browser's 32-byte client key CK (which only the
// browser's cookie holds):
//
//   PK = BLAKE2b-256(key = CK, message = "sealpost/v1/personal-key" || 0x00 || E')
//
// where E' is E with surrounding whitespace removed and ASCII letters lowered
// (NormaliseAddress). Callers pass addresses already validated by the policy
// layer; the normalisation here only makes the derivation insensitive to case.
// Pure functions; any thread.
#pragma once

#include "crypto/SymmetricKey.hxx"

#include <string>
#include <string_view>

namespace sealpost::crypto {

std::string NormaliseAddress(std::string_view address);

SymmetricKey PersonalKey(const SymmetricKey& client_key, std::string_view address);

} // namespace sealpost::crypto
