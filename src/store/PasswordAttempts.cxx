// Storage: counted password attempts. An attempt is reserved in one index
// transaction before Argon2id runs (refused while the transfer is locked, or
// while the attempts already in flight could reach the lock or the deletion
// limit), evaluated within the bounded Argon2id queue, and settled in a second
// transaction. So a burst of parallel attempts is counted exactly: never more
// than `lock_after` are evaluated before the lock, none while locked, and the
// failure that reaches `delete_after` deletes the transfer in the same
// transaction that counts it.
#include "crypto/PasswordKek.hxx"
#include "crypto/TransferKeys.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/Storage.hxx"
#include "util/Time.hxx"

namespace sealpost::store {

void Storage::AttemptPassword(const TransferRecord& transfer, std::string password, Actor actor,
                              std::function<void(AttemptResult)> done,
                              std::string invitation_of) {
    using Attempt = Index::AttemptOutcome;
    auto result = std::make_shared<AttemptResult>();
    auto shared_done = std::make_shared<std::function<void(AttemptResult)>>(std::move(done));
    auto shared_actor = std::make_shared<Actor>(std::move(actor));
    const std::string id = transfer.id;
    // After the settling transaction: the deleting failure tears down first.
    auto settle = [this, result, shared_done, shared_actor] {
        if (result->outcome != Attempt::unlocked)
            result->identity = nullptr;
        if (result->outcome != Attempt::deleted) {
            (*shared_done)(std::move(*result));
            return;
        }
        log::Write(log::Level::warn, "transfer_deleted_attempts", {{"transfer_id", result->transfer.id}});
        const TransferRecord before = result->transfer;
        uv::QueueWork(
            loop_, [this, before] { Teardown(before); },
            [this, result, shared_done, shared_actor, before](std::exception_ptr error) {
                if (error)
                    log::Write(log::Level::error, "transfer_deletion_failed", {{"transfer_id", before.id}});
                ForgetSessions(before);
                if (on_deleted)
                    on_deleted(before, DeletionReason::attempts, *shared_actor);
                (*shared_done)(std::move(*result));
            });
    };
    // Argon2id, then the settling transaction.
    std::string invitee;
    if (const auto* r = transfer.FindRecipient(invitation_of); r && r->quick_invitation)
        invitee = r->email;
    auto evaluate = [this, result, id, settle, password = std::move(password),
                     invitation_of = std::move(invitation_of),
                     invitee = std::move(invitee)]() mutable {
        auto identity = std::make_shared<Identity>();
        const bool queued = kdf_.Run(
            [this, id, identity, result, password = std::move(password),
             invitation_of = std::move(invitation_of), invitee = std::move(invitee)] {
                const auto w_pw = wraps_.Get(id, WrapKind::password);
                if (!w_pw)
                    return;
                const auto params = crypto::PasswordKek::ReadParams(*w_pw);
                if (!params)
                    return;
                const auto kek = crypto::PasswordKek::Derive(password, *params);
                auto keys = crypto::TransferKeys::OpenWithPassword(kek, id, *w_pw);
                if (!keys)
                    return;
                *identity = std::make_shared<const age::AgeIdentity>(keys->Identity().Clone());
                // QUICK activation: W_inv[B] opens with the same KEK.
                if (invitee.empty())
                    return;
                const auto w_inv = wraps_.Get(invitation_of, WrapKind::invitation);
                if (!w_inv)
                    return;
                const auto shared =
                    kek.Unwrap({crypto::purpose::kQuickInvitation, {id, invitee}}, *w_inv);
                if (shared && shared->size() == crypto::kSymmetricKeySize)
                    result->invitation_key = std::make_shared<const crypto::SymmetricKey>(
                        std::span<const std::uint8_t, crypto::kSymmetricKeySize>(
                            shared->data(), crypto::kSymmetricKeySize));
            },
            [this, result, id, identity, settle] {
                result->identity = *identity;
                const bool success = result->identity != nullptr;
                const AttemptPolicy policy = options_.attempts;
                uv::QueueWork(
                    loop_,
                    [this, result, id, success, policy] {
                        result->outcome =
                            index_->FinishAttempt(id, success, UnixNow(), policy, result->transfer);
                        result->evaluated = true;
                    },
                    [result, settle](std::exception_ptr error) {
                        if (error) {
                            log::Write(log::Level::error, "password_attempt_not_recorded");
                            result->outcome = Attempt::failed;
                            result->busy = true;
                        }
                        settle();
                    });
            });
        if (queued)
            return;
        // Too much password work waiting: give the reservation back.
        uv::QueueWork(
            loop_, [this, id] { index_->CancelAttempt(id); },
            [result, settle](std::exception_ptr) {
                result->outcome = Attempt::locked;
                result->busy = true;
                settle();
            });
    };
    const AttemptPolicy policy = options_.attempts;
    uv::QueueWork(
        loop_,
        [this, result, id, policy] {
            result->outcome = index_->ReserveAttempt(id, UnixNow(), policy, result->transfer);
        },
        [result, settle, evaluate = std::move(evaluate)](std::exception_ptr error) mutable {
            if (error) {
                log::Write(log::Level::error, "password_attempt_not_reserved");
                result->outcome = Attempt::locked;
                result->busy = true;
                settle();
                return;
            }
            if (result->outcome == Attempt::reserved)
                evaluate();
            else
                settle();
        });
}

} // namespace sealpost::store
