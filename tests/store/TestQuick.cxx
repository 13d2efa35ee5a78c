// QUICK at the storage level (store::QuickKeys and the transfer wraps W_q and
// W_inv), checked the way the promises are stated:
//  - only a browser's client key (or a password, or a one-time code) opens a
//    shared key: the data folder alone (index, wraps, blobs, server key) holds
//    no shared key, no transfer key and no client key, and no key derivable
//    from the server key opens any QUICK wrap;
//  - the "magic": once a browser holds SK{A,B}, every A→B transfer carrying
//    W_q[B] under it opens there, whatever its password;
//  - an activation code restores every key of the address once, within 24
//    hours and 5 wrong tries, counted exactly when entered in parallel;
//  - deleting a transfer destroys its W_q and W_inv; forgetting, deleting a
//    pair and rotating a cookie destroy the old holdings.
#include "StorageFixture.hxx"
#include "crypto/KeyWrap.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/PersonalKey.hxx"
#include "crypto/ServerKey.hxx"
#include "crypto/TransferKeys.hxx"
#include "lib/uv/Loop.hxx"
#include "store/Storage.hxx"
#include "store/WrapFiles.hxx"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

const std::string kAnna = "anna@regionuppsala.se";
const std::string kBo = "Bo@Akademiska.se";

store::QuickBrowser Browser(char fill) {
    store::QuickBrowser b;
    b.handle = std::string(64, fill);
    b.client_key = crypto::SymmetricKey::Random();
    return b;
}

std::string AsString(std::span<const std::uint8_t> bytes) {
    return {bytes.begin(), bytes.end()};
}

/// Where under `dir` the bytes occur (empty: nowhere).
std::string FindIn(const std::filesystem::path& dir, const std::string& needle) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes(std::istreambuf_iterator<char>(in), {});
        if (bytes.find(needle) != std::string::npos)
            return entry.path().string();
    }
    return {};
}

struct Fixture : StorageFixture {
    store::TransferRecord Send(const std::string& from, const std::string& to,
                               const store::QuickBrowser& browser, const std::string& password) {
        store::NewTransfer request;
        request.sender = from;
        request.recipients = {{to, "to"}};
        request.password = password;
        request.message = "the confidential message";
        request.quick_browser = std::make_shared<const store::QuickBrowser>(browser.Clone());
        const auto t = storage->CreateTransfer(request);
        REQUIRE(storage->SubmitTransferNow(t.id).outcome == store::Outcome::ok);
        return *storage->index().GetTransfer(t.id);
    }

    store::Storage::AttemptResult Attempt(const store::TransferRecord& t,
                                          const std::string& password, bool activate) {
        std::optional<store::Storage::AttemptResult> result;
        storage->AttemptPassword(
            t, password, {}, [&](store::Storage::AttemptResult r) { result = std::move(r); },
            activate ? t.recipients.at(0).download_id : std::string());
        loop.Run();
        REQUIRE(result);
        return std::move(*result);
    }

    /// B unlocks `t` with its password and activates QUICK in `browser`.
    void Activate(const store::TransferRecord& t, const std::string& password,
                  const store::QuickBrowser& browser) {
        auto r = Attempt(t, password, true);
        REQUIRE(r.outcome == store::Index::AttemptOutcome::unlocked);
        REQUIRE(r.invitation_key);
        const auto& recipient = t.recipients.at(0);
        storage->quick().Hold(browser, recipient.email, t.sender, recipient.quick_key_id,
                              *r.invitation_key, t.created_at);
    }

    bool Opens(const store::TransferRecord& t, const store::QuickBrowser& browser) {
        return storage->OpenWithQuick(t, t.recipients.at(0), browser) != nullptr;
    }
};

} // namespace

TEST_CASE("QUICK: an invitation, activation, the magic, both directions, a browser without keys") {
    Fixture f;
    const auto anna = Browser('a');
    const auto bo = Browser('b');
    const auto other = Browser('c');

    // Two A→B transfers with different passwords: B is not connected, so both
    // are invitations (W_inv beside W_q), under the one key A's browser made.
    const auto t1 = f.Send(kAnna, kBo, anna, "First-Password-91");
    const auto t2 = f.Send(kAnna, kBo, anna, "Second-Password-82");
    REQUIRE(t1.recipients[0].quick_invitation);
    REQUIRE(t2.recipients[0].quick_invitation);
    CHECK(t1.recipients[0].quick_key_id == t2.recipients[0].quick_key_id);
    CHECK_FALSE(f.storage->quick().Connected(anna.handle, kAnna, kBo));
    CHECK_FALSE(f.Opens(t1, bo));

    // A wrong password opens neither the transfer nor the invitation.
    const auto wrong = f.Attempt(t2, "Not-The-Password-1", true);
    CHECK(wrong.outcome == store::Index::AttemptOutcome::failed);
    CHECK_FALSE(wrong.invitation_key);

    // B activates with transfer 2's password; transfer 1 opens too (the magic).
    f.Activate(t2, "Second-Password-82", bo);
    CHECK(f.Opens(t2, bo));
    CHECK(f.Opens(t1, bo));
    CHECK_FALSE(f.Opens(t1, other));
    CHECK(f.storage->quick().Connected(anna.handle, kAnna, kBo));
    // Addresses compare without case.
    CHECK(f.storage->quick().Connected(anna.handle, kAnna, "bo@akademiska.se"));

    // Later transfers need no password, in both directions.
    const auto t3 = f.Send(kAnna, kBo, anna, "");
    CHECK(t3.recipients[0].QuickReception());
    CHECK(t3.options.value("quick_only", false));
    CHECK(f.Opens(t3, bo));
    CHECK_FALSE(f.storage->wraps().Get(t3.id, store::WrapKind::password));
    const auto back = f.Send(kBo, kAnna, bo, "");
    CHECK(back.recipients[0].QuickReception());
    CHECK(f.Opens(back, anna));
    CHECK_FALSE(f.Opens(back, other));

    // A browser that never held the key gets a fresh key, and so an invitation.
    store::NewTransfer request;
    request.sender = kAnna;
    request.recipients = {{kBo, "to"}};
    request.quick_browser = std::make_shared<const store::QuickBrowser>(other.Clone());
    CHECK_THROWS_AS(f.storage->CreateTransfer(request), store::QuickPasswordNeeded);
}

TEST_CASE("QUICK: the data folder alone opens no QUICK transfer and holds no QUICK key") {
    Fixture f;
    const auto anna = Browser('a');
    const auto bo = Browser('b');
    const auto t1 = f.Send(kAnna, kBo, anna, "First-Password-91");
    f.Activate(t1, "First-Password-91", bo);
    const auto t2 = f.Send(kAnna, kBo, anna, "");
    const auto& r = t2.recipients[0];
    const auto shared = f.storage->quick().Open(bo, crypto::NormaliseAddress(kBo),
                                                crypto::NormaliseAddress(kAnna), r.quick_key_id);
    REQUIRE(shared);
    const auto identity = f.storage->OpenWithQuick(t2, r, bo);
    REQUIRE(identity);
    const auto code = f.storage->quick().CreateCode(bo, kBo, t2.created_at);
    REQUIRE(code);

    // No key in the clear anywhere: the shared key, the transfer key, the
    // browsers' client keys and personal keys, the code.
    const auto data = f.dir.path / "data";
    CHECK(FindIn(data, AsString(shared->Span())).empty());
    CHECK(FindIn(data, AsString(identity->SecretKey())).empty());
    for (const auto* b : {&anna, &bo}) {
        CHECK(FindIn(data, AsString(b->client_key.Span())).empty());
        CHECK(FindIn(data, AsString(crypto::PersonalKey(b->client_key, kBo).Span())).empty());
        CHECK(FindIn(data, AsString(crypto::PersonalKey(b->client_key, kAnna).Span())).empty());
    }
    CHECK(FindIn(data, code->code).empty());

    // A decrypt attempt with what the folder holds: the server key and every
    // key derived from it, as personal key, shared key and code key, against
    // every wrap file. Nothing opens.
    const auto server_key = crypto::ServerKey::LoadOrCreate(data / "keys" / "server.key");
    std::vector<crypto::SymmetricKey> candidates;
    for (const char* label : {"", "upload", "revoke", "outbox", "quick", "personal-key"})
        candidates.push_back(server_key.Derive(label));
    candidates.push_back(crypto::PersonalKey(server_key.Derive("quick"), kBo));
    int wraps_tried = 0;
    for (const auto& [id, kind] : f.storage->wraps().List()) {
        const auto wrap = f.storage->wraps().Get(id, kind);
        REQUIRE(wrap);
        ++wraps_tried;
        CHECK_FALSE(crypto::TransferKeys::OpenWithServerKey(server_key, t2.id, *wrap));
        for (const auto& key : candidates) {
            CHECK_FALSE(crypto::TransferKeys::OpenWithQuick(key, t2.id, r.email, *wrap));
            CHECK_FALSE(crypto::TransferKeys::OpenWithQuick(key, t1.id, r.email, *wrap));
            for (const auto& ids : std::vector<std::vector<std::string>>{
                     {crypto::NormaliseAddress(kAnna), crypto::NormaliseAddress(kBo),
                      r.quick_key_id},
                     {t1.id, r.email}}) {
                for (const auto purpose :
                     {crypto::purpose::kQuickSharedKey, crypto::purpose::kQuickInvitation}) {
                    if (ids.size() == 3)
                        CHECK_FALSE(crypto::KeyWrap::Unwrap(key, {purpose, {ids[0], ids[1], ids[2]}},
                                                            *wrap));
                    else
                        CHECK_FALSE(crypto::KeyWrap::Unwrap(key, {purpose, {ids[0], ids[1]}}, *wrap));
                }
            }
        }
    }
    // W_pw and W_inv of t1, W_q of t1 and t2, two holdings, one code.
    CHECK(wraps_tried >= 7);
}

TEST_CASE("QUICK: an activation code restores every key of the address once, in another browser") {
    Fixture f;
    const auto anna = Browser('a');
    const auto carl = Browser('d');
    const auto bo = Browser('b');
    const auto bo_new = Browser('e');
    const std::string carl_email = "carl@akademiska.se";
    const auto from_anna = f.Send(kAnna, kBo, anna, "First-Password-91");
    const auto from_carl = f.Send(carl_email, kBo, carl, "Other-Password-73");
    f.Activate(from_anna, "First-Password-91", bo);
    f.Activate(from_carl, "Other-Password-73", bo);
    CHECK_FALSE(f.Opens(from_anna, bo_new));

    const std::int64_t now = from_anna.created_at;
    CHECK_FALSE(f.storage->quick().CreateCode(bo_new, kBo, now)); // holds nothing
    const auto code = f.storage->quick().CreateCode(bo, kBo, now);
    REQUIRE(code);
    CHECK(code->keys == 2);
    CHECK(code->code.size() == 24); // 20 characters in groups of four

    using R = store::QuickKeys::Redeemed;
    auto wrong = f.storage->quick().RedeemCode(bo_new, kBo, "AAAA-AAAA-AAAA-AAAA-AAAA", now);
    CHECK(wrong.result == R::wrong);
    CHECK(wrong.attempts_left == 4);
    // Typed in lower case, without dashes: the same code.
    std::string typed;
    for (char c : code->code)
        if (c != '-')
            typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto restored = f.storage->quick().RedeemCode(bo_new, kBo, typed, now + 60);
    CHECK(restored.result == R::restored);
    CHECK(restored.restored == 2);
    CHECK(f.Opens(from_anna, bo_new));
    CHECK(f.Opens(from_carl, bo_new));
    // Single use.
    CHECK(f.storage->quick().RedeemCode(bo_new, kBo, code->code, now + 61).result == R::none);
    // Another address's browser cannot use B's code for itself.
    const auto code2 = f.storage->quick().CreateCode(bo, kBo, now);
    REQUIRE(code2);
    CHECK(f.storage->quick().RedeemCode(anna, kAnna, code2->code, now).result == R::none);
    // After 24 hours the code is refused.
    CHECK(f.storage->quick()
              .RedeemCode(bo_new, kBo, code2->code, now + store::QuickKeys::kCodeSeconds + 1)
              .result == R::expired);
}

TEST_CASE("QUICK: parallel code entries are counted exactly; a code is redeemed at most once") {
    Fixture f;
    const auto anna = Browser('a');
    const auto bo = Browser('b');
    const auto t = f.Send(kAnna, kBo, anna, "First-Password-91");
    f.Activate(t, "First-Password-91", bo);
    const std::int64_t now = t.created_at;
    using R = store::QuickKeys::Redeemed;

    // Invariant 1: 30 wrong entries at once evaluate at most 5 (the tries of
    // the one pending code); after that the code is gone, and the right code
    // is refused too.
    {
        const auto code = f.storage->quick().CreateCode(bo, kBo, now);
        REQUIRE(code);
        std::vector<std::future<store::QuickKeys::Redemption>> entries;
        for (int i = 0; i < 30; ++i)
            entries.push_back(std::async(std::launch::async, [&, i] {
                const auto browser = Browser(static_cast<char>('f' + i % 10));
                return f.storage->quick().RedeemCode(browser, kBo, "WRONG" + std::to_string(i),
                                                     now);
            }));
        int wrong = 0, none = 0;
        for (auto& e : entries) {
            const auto r = e.get();
            wrong += r.result == R::wrong;
            none += r.result == R::none || r.result == R::expired;
        }
        CHECK(wrong == 5);
        CHECK(none == 25);
        CHECK(f.storage->quick().RedeemCode(Browser('z'), kBo, code->code, now).result != R::restored);
    }
    // Invariant 2: the right code entered in 10 browsers at once restores in
    // exactly one of them.
    {
        const auto code = f.storage->quick().CreateCode(bo, kBo, now);
        REQUIRE(code);
        std::vector<store::QuickBrowser> browsers;
        for (int i = 0; i < 10; ++i)
            browsers.push_back(Browser(static_cast<char>('0' + i)));
        std::vector<std::future<store::QuickKeys::Redemption>> entries;
        for (int i = 0; i < 10; ++i)
            entries.push_back(std::async(std::launch::async, [&, i] {
                return f.storage->quick().RedeemCode(browsers[i], kBo, code->code, now);
            }));
        int restored = 0;
        for (auto& e : entries)
            restored += e.get().result == R::restored;
        CHECK(restored == 1);
        int opening = 0;
        for (const auto& b : browsers)
            opening += f.Opens(t, b) ? 1 : 0;
        CHECK(opening == 1);
    }
}

TEST_CASE("QUICK: deletion destroys W_q and W_inv; forget, pair deletion and rotation destroy holdings") {
    Fixture f;
    const auto anna = Browser('a');
    const auto bo = Browser('b');
    const auto t1 = f.Send(kAnna, kBo, anna, "First-Password-91");
    const auto download = t1.recipients[0].download_id;
    const auto w_q = f.storage->wraps().Get(download, store::WrapKind::quick);
    const auto w_inv = f.storage->wraps().Get(download, store::WrapKind::invitation);
    REQUIRE(w_q);
    REQUIRE(w_inv);
    f.Activate(t1, "First-Password-91", bo);
    const auto t2 = f.Send(kAnna, kBo, anna, "");

    REQUIRE(f.storage->DeleteTransferNow(t1.id, store::DeletionReason::revoked, {}));
    CHECK_FALSE(f.storage->wraps().Get(download, store::WrapKind::quick));
    CHECK_FALSE(f.storage->wraps().Get(download, store::WrapKind::invitation));
    const auto data = f.dir.path / "data";
    CHECK(FindIn(data, AsString(*w_q)).empty());
    CHECK(FindIn(data, AsString(*w_inv)).empty());

    // Cookie rotation: the keys move to the new client key, the old wraps go.
    const auto bo_rotated = Browser('r');
    const auto old_holdings = f.storage->quick().OfBrowser(bo.handle);
    REQUIRE(old_holdings.size() == 1);
    const auto old_wrap = f.storage->wraps().Get(old_holdings[0].wrap_id, store::WrapKind::shared);
    REQUIRE(old_wrap);
    CHECK(f.storage->quick().Rewrap(bo, bo_rotated, t2.created_at) == 1);
    CHECK_FALSE(f.Opens(t2, bo));
    CHECK(f.Opens(t2, bo_rotated));
    CHECK(FindIn(data, AsString(*old_wrap)).empty());

    // Forgetting an identity in a browser.
    CHECK(f.storage->quick().Forget(bo_rotated.handle, kBo) == 1);
    CHECK_FALSE(f.Opens(t2, bo_rotated));

    // An administrator's deletion of the pair: every browser, both directions.
    f.Activate(f.Send(kAnna, kBo, anna, "Third-Password-64"), "Third-Password-64", bo);
    CHECK(f.Opens(t2, bo));
    CHECK(f.storage->quick().All(kBo).size() == 2);
    CHECK(f.storage->quick().DeletePair(kBo, kAnna) == 2);
    CHECK(f.storage->quick().All().empty());
    CHECK_FALSE(f.Opens(t2, bo));
}
