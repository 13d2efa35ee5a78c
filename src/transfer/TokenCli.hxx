// `sealpost admin token …`: API tokens bound to a sender address, the
// automation alternative to the e-mailed verification (README):
//
//   sealpost admin token create --email ADDR [--label TEXT] [--config FILE] [--data DIR]
//   sealpost admin token list [--config FILE] [--data DIR]
//   sealpost admin token revoke ID [--config FILE] [--data DIR]
//
// Works on the data folder directly, also while the server runs (LMDB
// allows several processes). The secret is printed once by create; only its
// hash is stored, and list shows that hash as the token's id.
// Exit codes: 0 success, 1 runtime failure, 2 usage error.
#pragma once

#include <span>
#include <string_view>

namespace sealpost::transfer {

/// `args` starts after "admin token".
int RunTokenCommand(std::span<const std::string_view> args);

} // namespace sealpost::transfer
