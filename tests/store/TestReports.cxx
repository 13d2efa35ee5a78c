// Reports of state changes at the storage level: a submit and every deletion
// leave a pending report in the same index transaction as the change, which
// only Reported() removes, so that a crash between the change and its audit
// record or notices is finished at the next start (Storage::on_unreported),
// once per report. A submit keeps W_up until its report is made (the notices
// name the files) and not a moment longer.
#include "StorageFixture.hxx"
#include "store/WrapFiles.hxx"

#include <catch2/catch.hpp>

#include <vector>

using namespace sealpost;
using namespace sealpost::test;

namespace {

const std::string kSender = "anna@regionuppsala.se";
const std::string kPassword = "Correct-Horse-Battery-9";

struct Resumed {
    std::string transfer_id;
    std::string event;
    store::TransferStatus was;
};

/// Restarts the storage and returns what it asked to be reported again.
std::vector<Resumed> RestartAndCollect(StorageFixture& f) {
    std::vector<Resumed> resumed;
    f.Restart([&](store::Storage& s) {
        s.on_unreported = [&](const store::TransferRecord& t, const store::PendingReport& r) {
            resumed.push_back({t.id, r.event, r.was});
        };
    });
    return resumed;
}

} // namespace

TEST_CASE("a submit's report is pending until Reported; a restart before asks for it again") {
    StorageFixture f;
    const auto t = f.CreateWithMessage(kSender, "bo@example.com", kPassword);
    // The service's submit: W_up stays for the notices.
    const auto submitted = f.storage->SubmitTransferNow(t.id, true);
    REQUIRE(submitted.outcome == store::Outcome::ok);
    CHECK(submitted.identity);
    auto stored = f.storage->index().GetTransfer(t.id);
    REQUIRE(stored->unreported.size() == 1);
    CHECK(stored->unreported[0].event == "provided");
    CHECK(stored->unreported[0].was == store::TransferStatus::open);
    CHECK(f.storage->wraps().Get(t.id, store::WrapKind::upload));

    // A crash here: the restart asks for the report and keeps W_up for it.
    auto resumed = RestartAndCollect(f);
    REQUIRE(resumed.size() == 1);
    CHECK(resumed[0].transfer_id == t.id);
    CHECK(resumed[0].event == "provided");
    CHECK(f.storage->UploadIdentity(t.id));

    f.storage->ReportedNow(t.id, "provided");
    CHECK(f.storage->index().GetTransfer(t.id)->unreported.empty());
    CHECK_FALSE(f.storage->wraps().Get(t.id, store::WrapKind::upload));
    CHECK_FALSE(f.storage->UploadIdentity(t.id));
    CHECK(RestartAndCollect(f).empty());
}

TEST_CASE("Reported on the loop thread clears the report and destroys W_up") {
    StorageFixture f;
    const auto t = f.CreateWithMessage(kSender, "bo@example.com", kPassword);
    REQUIRE(f.storage->SubmitTransferNow(t.id, true).outcome == store::Outcome::ok);
    std::optional<bool> done;
    f.storage->Reported(t.id, "provided", [&](bool ok) { done = ok; });
    f.loop.Run();
    CHECK(done == true);
    CHECK(f.storage->index().GetTransfer(t.id)->unreported.empty());
    CHECK_FALSE(f.storage->wraps().Get(t.id, store::WrapKind::upload));
}

TEST_CASE("the blocking submit (tools, nobody notified) leaves nothing pending and no W_up") {
    StorageFixture f;
    const auto t = f.CreateWithMessage(kSender, "bo@example.com", kPassword);
    REQUIRE(f.storage->SubmitTransferNow(t.id).outcome == store::Outcome::ok);
    CHECK(f.storage->index().GetTransfer(t.id)->unreported.empty());
    CHECK_FALSE(f.storage->wraps().Get(t.id, store::WrapKind::upload));
    CHECK(RestartAndCollect(f).empty());
}

TEST_CASE("every deletion reason leaves its report with the status before, once") {
    StorageFixture f;
    using store::DeletionReason;
    using store::TransferStatus;
    struct Case {
        DeletionReason reason;
        bool submit;
        const char* event;
    };
    const std::vector<Case> cases = {
        {DeletionReason::revoked, true, "revoked"},
        {DeletionReason::expired, true, "expired"},
        {DeletionReason::abandoned, false, "abandoned"},
        {DeletionReason::admin, true, "admin"},
    };
    std::vector<std::string> ids;
    for (const auto& c : cases) {
        const auto t = f.CreateWithMessage(kSender, "bo@example.com", kPassword);
        if (c.submit)
            REQUIRE(f.storage->SubmitTransferNow(t.id).outcome == store::Outcome::ok);
        bool notified = false;
        f.storage->on_deleted = [&](const store::TransferRecord&, DeletionReason,
                                    const store::Actor&) { notified = true; };
        REQUIRE(f.storage->DeleteTransferNow(t.id, c.reason, {}));
        CHECK(notified);
        // A second deletion changes nothing and adds no report.
        CHECK_FALSE(f.storage->DeleteTransferNow(t.id, DeletionReason::admin, {}));
        const auto stored = f.storage->index().GetTransfer(t.id);
        REQUIRE(stored->unreported.size() == 1);
        CHECK(stored->unreported[0].event == c.event);
        CHECK(stored->unreported[0].was ==
              (c.submit ? TransferStatus::provided : TransferStatus::open));
        ids.push_back(t.id);
    }
    // Nothing reported them (a crash after each commit): all asked for again,
    // each once, with the status before.
    auto resumed = RestartAndCollect(f);
    REQUIRE(resumed.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto it = std::find_if(resumed.begin(), resumed.end(),
                                     [&](const Resumed& r) { return r.transfer_id == ids[i]; });
        REQUIRE(it != resumed.end());
        CHECK(it->event == cases[i].event);
        f.storage->ReportedNow(ids[i], it->event);
    }
    CHECK(RestartAndCollect(f).empty());
}

TEST_CASE("too many wrong passwords: the deletion's report is pending in the same transaction") {
    StorageFixture f([](store::StorageOptions& o) {
        o.attempts.lock_after = 100;
        o.attempts.delete_after = 2;
    });
    const auto t = f.CreateWithMessage(kSender, "bo@example.com", kPassword);
    REQUIRE(f.storage->SubmitTransferNow(t.id).outcome == store::Outcome::ok);
    int deleted = 0;
    f.storage->on_deleted = [&](const store::TransferRecord&, store::DeletionReason reason,
                                const store::Actor&) {
        deleted += reason == store::DeletionReason::attempts;
    };
    for (int i = 0; i < 2; ++i) {
        f.storage->AttemptPassword(*f.storage->index().GetTransfer(t.id), "wrong", {},
                                   [](store::Storage::AttemptResult) {});
        f.loop.Run();
    }
    CHECK(deleted == 1);
    const auto stored = f.storage->index().GetTransfer(t.id);
    CHECK(stored->status == store::TransferStatus::deleted);
    REQUIRE(stored->unreported.size() == 1);
    CHECK(stored->unreported[0].event == "attempts");
    CHECK(stored->unreported[0].was == store::TransferStatus::provided);
    const auto resumed = RestartAndCollect(f);
    REQUIRE(resumed.size() == 1);
    CHECK(resumed[0].event == "attempts");
}
