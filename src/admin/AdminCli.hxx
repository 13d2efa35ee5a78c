// The administration command line, run on the data folder — also while the server
// runs, since every store is LMDB (multi-process safe):
//   sealpost admin user add NAME --role admin|auditor [--totp]
//   sealpost admin user list | remove NAME
//   sealpost admin unlock ID | delete ID
//   sealpost admin audit [--verify] [--format json|csv] [--transfer ID] [--email ADDR]
//                        [--event NAME] [--since TIME] [--until TIME] [--limit N]
//   sealpost admin stats
//   sealpost audit verify
// each with [--config FILE] [--data DIR]. The password of `user add` is read without
// echo from a terminal (twice), or as one line from standard input otherwise.
// Exit codes (kExit*): 0 success, 1 runtime failure, 2 usage or configuration error,
// 3 no such user or transfer, 4 the audit chain does not verify.
//
// Threads: the main thread of the `sealpost` process; blocking throughout.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace sealpost::admin {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitVerifyFailed = 4;

/// The usage text of the admin and audit commands.
extern const char* const kAdminUsage;

/// args starts with the command ("admin" or "audit"). Writes results to out, messages
/// to err; reads a password from in when it is not a terminal.
int RunAdminCommand(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                    std::ostream& err);

/// The same on std::cin, std::cout and std::cerr.
int RunAdminCommand(std::span<const std::string_view> args);

} // namespace sealpost::admin
