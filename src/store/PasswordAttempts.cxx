// Storage: counted password attempts. An attempt is reserved in one index
// transaction before Argon2id runs, evaluated within the bounded Argon2id
// queue, and settled in a second transaction. So a burst of parallel attempts
// is counted exactly: never more than `lock_after` are evaluated before the
// lock, none while locked, and the failure that reaches `delete_after` deletes
// the transfer in the same transaction that counts it.
//
// While the transfer is locked an attempt is refused at once (423). While the
// attempts already in flight could reach the lock or the deletion limit (the
// reservation says `deferred`), nothing is locked yet: the attempt waits here
// until one of them settles and then tries to reserve again, so that several
// recipients unlocking one transfer with the right password at the same moment
// all get in, while a crowd of wrong passwords still meets the lock. At most
// kMaxWaiting attempts wait per transfer; beyond that one is refused as busy
// (503, Retry-After).
#include "crypto/PasswordKek.hxx"
#include "crypto/TransferKeys.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/Storage.hxx"
#include "util/Time.hxx"

namespace sealpost::store {
namespace {

using Attempt = Index::AttemptOutcome;
constexpr std::size_t kMaxWaiting = 64;
/// A deferred attempt whose blocker this process does not see (an attempt of
/// the command line's, or one between its reservation and its callback)
/// tries again after this long.
constexpr std::uint64_t kRetryMs = 50;

} // namespace

struct Storage::PasswordAttempt {
    std::string id;
    std::string password;
    std::string invitation_of; ///< download id whose W_inv the KEK should open
    std::string invitee;       ///< that recipient's address
    Actor actor;
    AttemptResult result;
    std::function<void(AttemptResult)> done;
    bool in_flight = false;
};

void Storage::AttemptPassword(const TransferRecord& transfer, std::string password, Actor actor,
                              std::function<void(AttemptResult)> done,
                              std::string invitation_of) {
    auto attempt = std::make_shared<PasswordAttempt>();
    attempt->id = transfer.id;
    attempt->password = std::move(password);
    if (const auto* r = transfer.FindRecipient(invitation_of); r && r->quick_invitation) {
        attempt->invitation_of = std::move(invitation_of);
        attempt->invitee = r->email;
    }
    attempt->actor = std::move(actor);
    attempt->done = std::move(done);
    ReserveAttempt(std::move(attempt));
}

void Storage::ReserveAttempt(std::shared_ptr<PasswordAttempt> attempt) {
    const AttemptPolicy policy = options_.attempts;
    uv::QueueWork(
        loop_,
        [this, attempt, policy] {
            attempt->result.outcome =
                index_->ReserveAttempt(attempt->id, UnixNow(), policy, attempt->result.transfer);
        },
        [this, attempt](std::exception_ptr error) {
            if (error) {
                log::Write(log::Level::error, "password_attempt_not_reserved");
                attempt->result.outcome = Attempt::locked;
                attempt->result.busy = true;
                FinishAttempt(attempt);
                return;
            }
            switch (attempt->result.outcome) {
            case Attempt::reserved:
                attempt->in_flight = true;
                ++attempts_in_flight_[attempt->id];
                EvaluateAttempt(attempt);
                return;
            case Attempt::deferred: {
                auto& waiting = waiting_attempts_[attempt->id];
                if (waiting.size() >= kMaxWaiting) {
                    attempt->result.busy = true;
                    FinishAttempt(attempt);
                    return;
                }
                waiting.push_back([this, attempt] { ReserveAttempt(attempt); });
                if (!attempts_in_flight_.count(attempt->id)) {
                    if (!attempt_retry_)
                        attempt_retry_ = std::make_unique<uv::Timer>(loop_, [this] {
                            // Retry the transfers with nothing in flight here.
                            std::vector<std::string> ids;
                            for (const auto& [id, queue] : waiting_attempts_)
                                if (!attempts_in_flight_.count(id))
                                    ids.push_back(id);
                            for (const auto& id : ids)
                                RetryWaiting(id);
                        });
                    if (!attempt_retry_->IsActive())
                        attempt_retry_->Start(kRetryMs);
                }
                return;
            }
            default:
                FinishAttempt(attempt);
                return;
            }
        });
}

void Storage::EvaluateAttempt(std::shared_ptr<PasswordAttempt> attempt) {
    auto identity = std::make_shared<Identity>();
    const bool queued = kdf_.Run(
        [this, attempt, identity] {
            const auto w_pw = wraps_.Get(attempt->id, WrapKind::password);
            if (!w_pw)
                return;
            const auto params = crypto::PasswordKek::ReadParams(*w_pw);
            if (!params)
                return;
            const auto kek = crypto::PasswordKek::Derive(attempt->password, *params);
            auto keys = crypto::TransferKeys::OpenWithPassword(kek, attempt->id, *w_pw);
            if (!keys)
                return;
            *identity = std::make_shared<const age::AgeIdentity>(keys->Identity().Clone());
            // QUICK activation: W_inv[B] opens with the same KEK.
            if (attempt->invitee.empty())
                return;
            const auto w_inv = wraps_.Get(attempt->invitation_of, WrapKind::invitation);
            if (!w_inv)
                return;
            const auto shared = kek.Unwrap(
                {crypto::purpose::kQuickInvitation, {attempt->id, attempt->invitee}}, *w_inv);
            if (shared && shared->size() == crypto::kSymmetricKeySize)
                attempt->result.invitation_key = std::make_shared<const crypto::SymmetricKey>(
                    std::span<const std::uint8_t, crypto::kSymmetricKeySize>(
                        shared->data(), crypto::kSymmetricKeySize));
        },
        [this, attempt, identity] {
            attempt->result.identity = *identity;
            const bool success = attempt->result.identity != nullptr;
            const AttemptPolicy policy = options_.attempts;
            uv::QueueWork(
                loop_,
                [this, attempt, success, policy] {
                    attempt->result.outcome = index_->FinishAttempt(
                        attempt->id, success, UnixNow(), policy, attempt->result.transfer);
                    attempt->result.evaluated = true;
                },
                [this, attempt](std::exception_ptr error) {
                    if (error) {
                        log::Write(log::Level::error, "password_attempt_not_recorded");
                        attempt->result.outcome = Attempt::failed;
                        attempt->result.busy = true;
                    }
                    FinishAttempt(attempt);
                });
        });
    if (queued)
        return;
    // Too much password work waiting: give the reservation back.
    uv::QueueWork(
        loop_, [this, attempt] { index_->CancelAttempt(attempt->id); },
        [this, attempt](std::exception_ptr) {
            attempt->result.outcome = Attempt::locked;
            attempt->result.busy = true;
            FinishAttempt(attempt);
        });
}

void Storage::RetryWaiting(const std::string& transfer_id) {
    const auto it = waiting_attempts_.find(transfer_id);
    if (it == waiting_attempts_.end())
        return;
    // Every waiting attempt reserves again: as many as may go are evaluated,
    // the others wait again or meet the lock.
    auto retries = std::move(it->second);
    waiting_attempts_.erase(it);
    for (auto& retry : retries)
        retry();
}

void Storage::FinishAttempt(std::shared_ptr<PasswordAttempt> attempt) {
    AttemptResult& result = attempt->result;
    if (result.outcome != Attempt::unlocked) {
        result.identity = nullptr;
        result.invitation_key = nullptr;
    }
    const bool was_in_flight = attempt->in_flight;
    if (was_in_flight) {
        attempt->in_flight = false;
        if (const auto it = attempts_in_flight_.find(attempt->id);
            it != attempts_in_flight_.end() && --it->second == 0)
            attempts_in_flight_.erase(it);
    }
    const auto deliver = [this, attempt, was_in_flight] {
        attempt->done(std::move(attempt->result));
        if (was_in_flight)
            RetryWaiting(attempt->id);
    };
    if (result.outcome != Attempt::deleted) {
        deliver();
        return;
    }
    // The deleting failure tears the transfer down before it answers.
    log::Write(log::Level::warn, "transfer_deleted_attempts", {{"transfer_id", result.transfer.id}});
    const TransferRecord before = result.transfer;
    uv::QueueWork(
        loop_, [this, before] { Teardown(before); },
        [this, attempt, before, deliver](std::exception_ptr error) {
            if (error)
                log::Write(log::Level::error, "transfer_deletion_failed",
                           {{"transfer_id", before.id}});
            ForgetSessions(before);
            if (on_deleted)
                on_deleted(before, DeletionReason::attempts, attempt->actor);
            deliver();
        });
}

} // namespace sealpost::store
