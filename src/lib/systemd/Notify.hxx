// systemd's service notification protocol (sd_notify(3)) without libsystemd:
// one datagram with "KEY=VALUE" lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or "@name" for an abstract socket). Used by the
// serve path (app/App) to report READY=1 and STOPPING=1 for Type=notify
// units. Stateless; any thread.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::systemd {

enum class NotifyResult {
    not_supervised, ///< $NOTIFY_SOCKET is unset or empty: nothing to do
    sent,
    failed, ///< see the error text
};

/// Sends `state` (e.g. "READY=1", or several lines) to the service manager.
/// Never throws; on failure `error`, when given, says why.
NotifyResult Notify(std::string_view state, std::string* error = nullptr) noexcept;

} // namespace sealpost::systemd
