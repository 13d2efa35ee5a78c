#include "admin/IdentityExport.hxx"

#include "lib/uv/Loop.hxx"
#include "store/Storage.hxx"
#include "store/StorageConfig.hxx"

namespace sealpost::admin {

IdentityExport ExportIdentity(const Config& config, const std::string& transfer_id,
                              std::string password) {
    IdentityExport result;
    uv::Loop loop;
    {
        store::Storage storage(loop.get(), store::StorageOptionsFrom(config));
        const auto transfer = storage.index().GetTransfer(transfer_id);
        if (transfer) {
            result.sender = transfer->sender;
            store::Actor actor{"", "", "sealpost-cli", {{"via", "cli"}}};
            storage.AttemptPassword(*transfer, std::move(password), std::move(actor),
                                    [&result](store::Storage::AttemptResult attempt) {
                                        using O = store::Index::AttemptOutcome;
                                        result.locked_until = attempt.transfer.locked_until;
                                        if (attempt.busy) {
                                            result.outcome = IdentityExport::Outcome::busy;
                                            return;
                                        }
                                        switch (attempt.outcome) {
                                        case O::unlocked:
                                            result.outcome = IdentityExport::Outcome::exported;
                                            result.identity = attempt.identity->ToString();
                                            break;
                                        case O::failed:
                                            result.outcome =
                                                IdentityExport::Outcome::wrong_password;
                                            break;
                                        case O::locked:
                                            result.outcome = IdentityExport::Outcome::locked;
                                            break;
                                        case O::deferred: // waited too long (busy, above)
                                            result.outcome = IdentityExport::Outcome::busy;
                                            break;
                                        case O::deleted:
                                            result.outcome = IdentityExport::Outcome::deleted;
                                            break;
                                        case O::reserved:
                                        case O::gone:
                                            result.outcome = IdentityExport::Outcome::not_found;
                                            break;
                                        }
                                    });
            loop.Run();
        }
    }
    loop.Close();
    return result;
}

} // namespace sealpost::admin
