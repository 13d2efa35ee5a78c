// A position in one database within one transaction, for ordered iteration: first/next,
// seek to the first key >= a given key, iterate a key prefix or a half-open key range,
// and delete while iterating (expiry sweeps). Move-only; the destructor closes the cursor.
//
// Lifetime: declare the Cursor after its Txn so it is destroyed first. A Cursor of a write
// Txn that has ended (LMDB freed it with the transaction) may still be destroyed safely
// but not used; keys and values it returns are valid until the Txn ends or the database
// is modified. Threads: the thread that uses the Txn (see Txn.hxx).
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

struct MDB_cursor;

namespace sealpost::lmdb {

class Txn;
class Dbi;

/// One key/value pair, pointing into the map.
struct Entry {
    std::string_view key;
    std::string_view value;
};

class Cursor {
    MDB_cursor* cursor_ = nullptr;
    /// A write Txn's liveness; null for read transactions, whose cursors LMDB never frees.
    std::shared_ptr<const bool> write_txn_live_;

    void Close() noexcept;

public:
    Cursor(Txn& txn, const Dbi& dbi);
    Cursor(Cursor&& other) noexcept
        : cursor_(std::exchange(other.cursor_, nullptr)),
          write_txn_live_(std::move(other.write_txn_live_)) {}
    Cursor& operator=(Cursor&& other) noexcept;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    std::optional<Entry> First();
    std::optional<Entry> Last();
    std::optional<Entry> Next();
    std::optional<Entry> Prev();
    std::optional<Entry> Current();

    /// The first entry whose key is >= key.
    std::optional<Entry> Seek(std::string_view key);

    /// The entry whose key equals key exactly.
    std::optional<Entry> Find(std::string_view key);

    /// The first entry whose key starts with prefix.
    std::optional<Entry> SeekPrefix(std::string_view prefix);

    /// The next entry if its key still starts with prefix.
    std::optional<Entry> NextWithPrefix(std::string_view prefix);

    /// Deletes the current entry; a following Next() returns the entry after it.
    void DelCurrent();

    /// Calls visit(Entry) for each key starting with prefix, in key order. visit may
    /// return bool: false stops the iteration. visit may call DelCurrent().
    template <typename F> void ForEachPrefix(std::string_view prefix, F&& visit) {
        for (auto e = SeekPrefix(prefix); e; e = NextWithPrefix(prefix))
            if (!Visit(visit, *e))
                return;
    }

    /// Calls visit(Entry) for each key in [from, to), in key order; an empty `to` means
    /// no upper bound. visit may return bool as for ForEachPrefix().
    template <typename F>
    void ForEachInRange(std::string_view from, std::string_view to, F&& visit) {
        for (auto e = Seek(from); e && (to.empty() || e->key < to); e = Next())
            if (!Visit(visit, *e))
                return;
    }

private:
    template <typename F> static bool Visit(F& visit, const Entry& entry) {
        if constexpr (std::is_void_v<std::invoke_result_t<F&, const Entry&>>) {
            visit(entry);
            return true;
        } else {
            return static_cast<bool>(visit(entry));
        }
    }

    std::optional<Entry> Move(int op, std::string_view key = {});
};

} // namespace sealpost::lmdb
