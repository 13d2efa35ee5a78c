// QUICK keys (password-less exchange between two parties once they have
// exchanged one password-protected transfer): the shared keys SK{A,B} as the
// browsers that hold them keep them, and the one-time activation codes that copy
// one browser's keys to another.
//
//   personal key  PK(browser, E) = crypto::PersonalKey(CK, E): derived from the
//                 client key CK that only the browser's sp_client cookie holds,
//                 for an address E verified in that browser; never stored.
//   shared key    SK{A,B}: 32 random bytes for the unordered pair of addresses,
//                 made the first time A sends to B with QUICK on. A pair may
//                 have several (one per sending browser that had none), each
//                 with a public key id; a transfer's W_q[B] names the one it uses.
//   holding       SK{A,B} wrapped under PK(browser, A) (KeyWrap, purpose
//                 kQuickSharedKey, ids: both addresses sorted, the key id),
//                 stored as a destroyable wrap file (WrapFiles kind `shared`).
//                 The index knows only who holds which key id: database
//                 "quick_keys" (handle, email, partner, key id → wrap id,
//                 created_at) and its mirror "quick_pairs" (email, partner, key
//                 id, handle), so that "does B hold the key A's browser holds"
//                 is one lookup and an administrator can list pairs.
//   activation    a one-time code (20 characters, 100 bits) made in a browser
//   code          that holds keys for E; every SK{E,·} it holds is wrapped
//                 under a key derived from the code (BLAKE2b keyed with the
//                 code) into one wrap file (kind `code`); the index keeps only
//                 the address, expiry, tries left and partners ("quick_codes").
//                 Entering the code in another browser verified for E opens the
//                 bundle and holds each key there. A wrong code uses up a try of
//                 every pending code of E (5 each); all in one write transaction,
//                 so parallel guesses are counted exactly and a code is redeemed
//                 once.
//
// Nothing here opens anything without a browser's CK or a code: the data folder
// alone (index, wrap files, server key) holds no QUICK key in the clear.
//
// Addresses are compared normalised (crypto::NormaliseAddress). Threads: reads
// (OfBrowser, All, Connected, Open, codes listing) may run on any thread, the
// loop thread included (short LMDB reads, small files); writes block on the
// disk and belong on the threadpool, at start-up or on the command line.
#pragma once

#include "crypto/SymmetricKey.hxx"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::lmdb {
class Env;
}

namespace sealpost::store {

class WrapFiles;

/// A browser as QUICK sees it: the handle of its client record and its client key.
struct QuickBrowser {
    std::string handle;
    crypto::SymmetricKey client_key;

    QuickBrowser Clone() const { return {handle, client_key.Clone()}; }
};

/// One shared key held by one browser for one of its addresses.
struct QuickConnection {
    std::string handle;  ///< the browser
    std::string email;   ///< its verified address (normalised)
    std::string partner; ///< the other party (normalised)
    std::string key_id;  ///< which SK{email, partner}
    std::string wrap_id; ///< its wrap file
    std::int64_t created_at = 0;
};

/// The shared key a QUICK transfer from a browser uses for one recipient.
struct SendingKey {
    std::string key_id;
    crypto::SymmetricKey key;
    /// The recipient holds this key already (no invitation needed).
    bool connected = false;
};

class QuickKeys {
public:
    /// Named databases in the index environment (LmdbIndex creates them).
    static constexpr const char* kDatabases[] = {"quick_keys", "quick_pairs", "quick_codes"};
    /// Tries of an activation code, and its lifetime.
    static constexpr std::uint32_t kCodeTries = 5;
    static constexpr std::int64_t kCodeSeconds = 24 * 3600;

    QuickKeys(lmdb::Env& env, const WrapFiles& wraps) : env_(env), wraps_(wraps) {}

    // --- reads --------------------------------------------------------------------
    std::vector<QuickConnection> OfBrowser(std::string_view handle) const;
    /// Every holding of every browser (administration), optionally only those
    /// where `email` is one of the two parties.
    std::vector<QuickConnection> All(std::string_view email = {}) const;
    /// True when `recipient` holds (in some browser) a key that `handle` holds
    /// for `sender` and `recipient`.
    bool Connected(std::string_view handle, std::string_view sender,
                   std::string_view recipient) const;
    /// True when some browser holds `key_id` for (email, partner).
    bool Held(std::string_view email, std::string_view partner, std::string_view key_id) const;
    /// SK{email, partner} with `key_id` as `browser` holds it, or nullopt (not
    /// held, or the wrap does not open under this browser's key).
    std::optional<crypto::SymmetricKey> Open(const QuickBrowser& browser, std::string_view email,
                                             std::string_view partner,
                                             std::string_view key_id) const;

    // --- writes (threadpool) --------------------------------------------------------
    /// The key a QUICK transfer from `sender` (in `browser`) to `recipient`
    /// uses: one the recipient holds too when there is one (connected), else
    /// the newest the browser holds, else a new one made and held now.
    SendingKey KeyForSending(const QuickBrowser& browser, std::string_view sender,
                             std::string_view recipient, std::int64_t now);
    /// Wraps `key` under the browser's personal key for `email` and records
    /// the holding (replacing one of the same key id). True when it is new.
    bool Hold(const QuickBrowser& browser, std::string_view email, std::string_view partner,
              std::string_view key_id, const crypto::SymmetricKey& key, std::int64_t now);
    /// Destroys the browser's holdings for `email` (with `partner` only, when
    /// given); how many.
    std::size_t Forget(std::string_view handle, std::string_view email,
                       std::string_view partner = {});
    /// An administrator's deletion of the connection between `a` and `b`: every
    /// holding of either direction in every browser, and the pending
    /// activation codes of both addresses (which could restore it). How many
    /// holdings.
    std::size_t DeletePair(std::string_view a, std::string_view b);
    /// A browser's cookie was rotated: every holding of `from` is wrapped
    /// under the personal keys of `to` and the old ones destroyed.
    std::size_t Rewrap(const QuickBrowser& from, const QuickBrowser& to, std::int64_t now);

    // --- activation codes ------------------------------------------------------------
    struct NewCode {
        std::string code; ///< shown once, "XXXX-XXXX-XXXX-XXXX-XXXX"
        std::int64_t expires_at = 0;
        std::size_t keys = 0;
    };
    /// A code that copies every key `browser` holds for `email`; nullopt when
    /// it holds none.
    std::optional<NewCode> CreateCode(const QuickBrowser& browser, std::string_view email,
                                      std::int64_t now);
    enum class Redeemed { restored, wrong, expired, none };
    struct Redemption {
        Redeemed result = Redeemed::none;
        std::size_t restored = 0;         ///< keys now held by the browser
        std::uint32_t attempts_left = 0;  ///< after a wrong code
        std::vector<std::string> partners; ///< whose keys were restored
    };
    /// Enters `code` for `email` in `browser` (which the caller checked is
    /// verified for `email`).
    Redemption RedeemCode(const QuickBrowser& browser, std::string_view email,
                          std::string_view code, std::int64_t now);
    /// Removes expired codes (and their wraps); how many.
    std::size_t PruneCodes(std::int64_t now);

    /// Destroys `shared` and `code` wrap files that no record names (a crash
    /// between the two writes). Start-up only.
    void DestroyOrphanWraps();

private:
    lmdb::Env& env_;
    const WrapFiles& wraps_;
};

/// Upper-cases a typed code and drops spaces and dashes (O→0, I/L→1).
std::string NormaliseActivationCode(std::string_view code);

} // namespace sealpost::store
