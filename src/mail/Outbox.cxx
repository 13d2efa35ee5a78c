#include "mail/Outbox.hxx"

#include "lib/sodium/Blake2b.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "mail/MailMessage.hxx"
#include "mail/MessageTransport.hxx"
#include "mail/OutboxStore.hxx"
#include "util/Hex.hxx"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <stdexcept>

namespace sealpost {

struct Outbox::Shared {
    // A constructor, not aggregate initialisation through make_shared (which
    // clang 14 does not implement).
    Shared(OutboxStore s, std::unique_ptr<MessageTransport> t, RetryPolicy r)
        : store(std::move(s)), transport(std::move(t)), retry(r) {}

    OutboxStore store;
    std::unique_ptr<MessageTransport> transport;
    RetryPolicy retry;
    /// Set by Stop() and the destructor; a running pass ends early.
    std::atomic<bool> stop{false};
};

namespace {

void CheckLabel(const OutboxLabel& label) {
    const bool kind_ok = !label.kind.empty() && label.kind.size() <= 64 &&
                         std::all_of(label.kind.begin(), label.kind.end(),
                                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    const bool reference_ok =
        label.reference.size() <= 128 && std::all_of(label.reference.begin(), label.reference.end(),
                                                     [](char c) { return c > 0x20 && c < 0x7f; });
    if (!kind_ok || !reference_ok)
        throw std::invalid_argument("unusable outbox label");
}

std::string ErrorText(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

/// Calls a hook or callback of the owner; an exception from it is logged
/// here, since it must not unwind into libuv.
template <typename F, typename Arg> void Notify(const F& hook, const Arg& argument) noexcept {
    if (!hook)
        return;
    try {
        hook(argument);
    } catch (const std::exception& e) {
        log::Write(log::Level::error, "mail_outbox_callback_failed", {{"error", e.what()}});
    } catch (...) {
        log::Write(log::Level::error, "mail_outbox_callback_failed");
    }
}

bool IsOutboxId(std::string_view id) {
    return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

} // namespace

std::string OutboxIdFor(std::string_view reference, std::string_view event, unsigned n) {
    std::string input = "sealpost/outbox/report";
    const std::string number = std::to_string(n);
    for (const std::string_view part : {reference, event, std::string_view(number)}) {
        input += '\0';
        input += part;
    }
    std::array<std::uint8_t, 16> digest{};
    sodium::Blake2b(digest, {}, {reinterpret_cast<const std::uint8_t*>(input.data()), input.size()});
    return HexEncode(digest);
}

Outbox::Outbox(uv_loop_s* loop, OutboxOptions options, std::unique_ptr<MessageTransport> transport,
               OutboxHooks hooks)
    : loop_(loop), retry_(options.retry),
      shared_(std::make_shared<Shared>(OutboxStore(options.dir, options.body_key),
                                       std::move(transport), options.retry)),
      hooks_(std::move(hooks)), timer_(std::make_unique<uv::Timer>(loop, [this] { Kick(); })) {
    if (!shared_->transport)
        throw std::invalid_argument("the outbox needs a transport");
}

Outbox::~Outbox() {
    shared_->stop = true;
}

void Outbox::Start() {
    started_ = true;
    Kick();
}

std::string Outbox::Enqueue(const MailMessage& message, const OutboxLabel& label,
                            StoredCallback stored, std::string id) {
    if (stopping_)
        throw std::logic_error("the outbox is stopped");
    CheckLabel(label);
    if (!id.empty() && !IsOutboxId(id))
        throw std::invalid_argument("unusable outbox id");
    OutboxEntry entry;
    entry.id = id.empty() ? OutboxStore::NewId() : std::move(id);
    entry.kind = label.kind;
    entry.reference = label.reference;
    entry.envelope = {message.from.address.ToString(), message.EnvelopeRecipients()};
    entry.created_at_ms = entry.next_attempt_ms = OutboxNowMs();
    std::string rendered = message.Render();

    ++work_in_flight_;
    std::weak_ptr<int> alive = alive_;
    uv::QueueWork(
        loop_,
        [shared = shared_, entry, rendered = std::move(rendered)] {
            if (!shared->store.Add(entry, rendered))
                log::Write(log::Level::info, "mail_already_queued",
                           {{"id", entry.id}, {"kind", entry.kind}});
        },
        [this, alive, id = entry.id, kind = entry.kind,
         stored = std::move(stored)](std::exception_ptr error) {
            if (alive.expired())
                return;
            if (error)
                log::Write(log::Level::error, "mail_not_queued",
                           {{"id", id}, {"kind", kind}, {"error", ErrorText(error)}});
            if (stored)
                Notify(stored, error);
            if (alive.expired())
                return;
            WorkFinished();
            if (!error)
                Kick();
        });
    return entry.id;
}

void Outbox::Stop(std::function<void()> stopped) {
    stopping_ = true;
    shared_->stop = true;
    timer_->Stop();
    if (work_in_flight_ == 0) {
        if (stopped)
            stopped();
        return;
    }
    stopped_ = std::move(stopped);
}

std::vector<OutboxEntry> Outbox::Pending() {
    return shared_->store.List();
}

void Outbox::WorkFinished() {
    --work_in_flight_;
    if (stopping_ && work_in_flight_ == 0 && stopped_)
        std::exchange(stopped_, nullptr)();
}

void Outbox::Kick() {
    if (!started_ || stopping_)
        return;
    if (pass_running_) {
        pass_again_ = true;
        return;
    }
    if (OutboxNowMs() < hold_until_ms_) {
        Arm(hold_until_ms_);
        return;
    }
    RunPass();
}

void Outbox::RunPass() {
    timer_->Stop();
    pass_running_ = true;
    pass_again_ = false;
    ++work_in_flight_;
    auto result = std::make_shared<OutboxPassResult>();
    // The first pass after Start() tries every queued message at once,
    // whatever its backoff: a restart often follows a repaired relay setting.
    const std::int64_t cutoff = std::exchange(first_pass_, false)
                                    ? std::numeric_limits<std::int64_t>::max()
                                    : OutboxNowMs();
    std::weak_ptr<int> alive = alive_;
    uv::QueueWork(
        loop_,
        [shared = shared_, result, cutoff] {
            RunOutboxPass(shared->store, *shared->transport, shared->retry, shared->stop, cutoff,
                          *result);
        },
        [this, alive, result](std::exception_ptr error) {
            if (!alive.expired())
                PassDone(*result, error);
        });
}

void Outbox::PassDone(const OutboxPassResult& result, std::exception_ptr error) {
    pass_running_ = false;
    std::weak_ptr<int> alive = alive_;
    for (const OutboxReport& report : result.sent)
        if (!alive.expired())
            Notify(hooks_.on_sent, report);
    for (const OutboxReport& report : result.failed)
        if (!alive.expired())
            Notify(hooks_.on_failed, report);
    if (alive.expired())
        return;
    WorkFinished();
    if (stopping_)
        return;

    const std::int64_t now = OutboxNowMs();
    if (error) {
        // The store failed; try again after the first backoff step rather
        // than spinning on a broken disk.
        log::Write(log::Level::error, "mail_outbox_pass_failed", {{"error", ErrorText(error)}});
        Arm(now + retry_.first_delay.count());
        return;
    }
    if (result.transport_down) {
        ++transport_failures_;
        hold_until_ms_ = now + retry_.DelayAfter(transport_failures_).count();
    } else if (!result.sent.empty()) {
        transport_failures_ = 0;
        hold_until_ms_ = 0;
    }
    if (pass_again_) {
        Kick();
        return;
    }
    if (result.next_due_ms)
        Arm(std::max(*result.next_due_ms, hold_until_ms_));
}

void Outbox::Arm(std::int64_t due_ms) {
    // Never sleep longer than the longest backoff: a wall-clock jump cannot
    // then delay the queue by more than that.
    const std::int64_t delay =
        std::clamp<std::int64_t>(due_ms - OutboxNowMs(), 0, retry_.max_delay.count());
    timer_->Start(static_cast<std::uint64_t>(delay));
}

} // namespace sealpost
