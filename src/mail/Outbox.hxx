// The persistent outbox through which sealpost sends every e-mail. Enqueue()
// renders a message, stores it in the outbox's LMDB environment (data_dir/
// outbox/, see OutboxStore.hxx) and only then lets the sender try it; a
// message leaves the outbox only after the transport accepted it (or refused
// it for good, or it grew too old), so nothing is lost when the relay is down
// or the process restarts: whatever is still queued is tried again by Start().
// Failed attempts are retried with exponential backoff (RetryPolicy.hxx); a
// transport that reports itself down holds back the whole queue with the same
// backoff. The outcome of each message is reported through the hooks, which
// the audit log uses for notification_sent / notification_failed.
//
// Threads: the Outbox lives on the event loop thread, which calls every
// method and receives every hook and callback. All LMDB writes and every
// delivery run on the threadpool, one sender pass at a time; a uv::Timer
// on the loop wakes the sender when the next message is due.
//
// Lifetime: owned by the application. Call Stop() and let the loop run until
// its callback before destroying the Outbox if the environment is to be
// reopened in this process; a destroyed Outbox calls no hook or callback, and
// work already queued finishes on the threadpool without it.
#pragma once

#include "lib/sodium/SecretBytes.hxx"
#include "mail/OutboxPass.hxx"
#include "mail/RetryPolicy.hxx"

#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

struct uv_loop_s;

namespace sealpost {

struct MailMessage;
class MessageTransport;
class OutboxStore;

namespace uv {
class Timer;
}

struct OutboxOptions {
    /// The outbox's own LMDB environment, normally data_dir/outbox.
    std::filesystem::path dir;
    RetryPolicy retry;
    /// Seals message bodies at rest (OutboxStore.hxx); null stores them plain.
    std::shared_ptr<const sodium::SecretBytes<32>> body_key;
};

/// What a queued message is, for logs and reports; never a secret.
struct OutboxLabel {
    /// Lower-case letters and '_' (e.g. "verification_code"), 1–64 characters.
    std::string kind;
    /// Printable ASCII, at most 128 characters (e.g. a transfer id); may be empty.
    std::string reference;
};

struct OutboxHooks {
    /// The transport accepted the message.
    std::function<void(const OutboxReport&)> on_sent;
    /// The message was given up; report.error says why.
    std::function<void(const OutboxReport&)> on_failed;
};

/// The outbox id of the n-th message reporting `event` of `reference` (e.g. a
/// transfer id): the same whenever the report is made again.
std::string OutboxIdFor(std::string_view reference, std::string_view event, unsigned n);

class Outbox {
public:
    /// Opens (creating it if needed) the outbox environment; blocking, call
    /// at start. Throws lmdb::Error, lmdb::SchemaError or
    /// std::filesystem::filesystem_error.
    Outbox(uv_loop_s* loop, OutboxOptions options, std::unique_ptr<MessageTransport> transport,
           OutboxHooks hooks = {});
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    /// Begins sending: whatever the outbox already holds (from before a
    /// restart) is tried at once, whatever its backoff, then on schedule.
    void Start();

    /// Called once the message is durably stored (nullptr) or could not be
    /// stored (the error; nothing will be sent).
    using StoredCallback = std::function<void(std::exception_ptr)>;

    /// Renders and queues the message; returns its outbox id at once, before
    /// it is stored. With an `id` (32 lower-case hex digits, OutboxIdFor) the
    /// message is queued only if no message with that id is queued or was
    /// sent within OutboxStore::kSentMemoryMs (`stored` then reports success
    /// too): a message queued again after a restart is sent once. Throws
    /// std::invalid_argument when the message cannot be rendered (no
    /// recipient, a bad header), the label or the id is unusable, and
    /// std::logic_error after Stop().
    std::string Enqueue(const MailMessage& message, const OutboxLabel& label,
                        StoredCallback stored = {}, std::string id = {});

    /// Stops the timer, refuses new messages, and calls `stopped` once no
    /// store write or delivery is in flight (at once if none is). Messages
    /// still queued stay in the outbox for the next start.
    void Stop(std::function<void()> stopped);

    /// Every queued message. Blocking read; for tests and administration.
    std::vector<OutboxEntry> Pending();

private:
    void Kick();
    void RunPass();
    void PassDone(const OutboxPassResult& result, std::exception_ptr error);
    void Arm(std::int64_t due_ms);
    void WorkFinished();

    /// What the threadpool uses; it outlives the Outbox while work is in flight.
    struct Shared;

    uv_loop_s* loop_;
    RetryPolicy retry_;
    std::shared_ptr<Shared> shared_;
    OutboxHooks hooks_;
    std::unique_ptr<uv::Timer> timer_;
    /// Expires with the Outbox; completions check it before touching `this`.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);

    bool started_ = false;
    bool first_pass_ = true;
    bool pass_running_ = false;
    bool pass_again_ = false;
    unsigned work_in_flight_ = 0;
    std::function<void()> stopped_;
    bool stopping_ = false;
    unsigned transport_failures_ = 0;
    std::int64_t hold_until_ms_ = 0;
};

} // namespace sealpost
