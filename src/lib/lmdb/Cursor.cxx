#include "Cursor.hxx"
#include "Calls.hxx"
#include "Dbi.hxx"
#include "Txn.hxx"

namespace sealpost::lmdb {

Cursor::Cursor(Txn& txn, const Dbi& dbi)
    : cursor_(call::CursorOpen(txn.Handle(), dbi.Handle())), write_txn_live_(txn.write_live_) {}

void Cursor::Close() noexcept {
    // After its write transaction ended, LMDB has freed the cursor already.
    if (cursor_ != nullptr && (!write_txn_live_ || *write_txn_live_))
        mdb_cursor_close(cursor_);
    cursor_ = nullptr;
    write_txn_live_.reset();
}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
    if (this != &other) {
        Close();
        cursor_ = std::exchange(other.cursor_, nullptr);
        write_txn_live_ = std::move(other.write_txn_live_);
    }
    return *this;
}

Cursor::~Cursor() {
    Close();
}

std::optional<Entry> Cursor::Move(int op, std::string_view key) {
    MDB_val k = call::ToVal(key);
    MDB_val v{};
    if (!call::CursorGet(cursor_, &k, &v, static_cast<MDB_cursor_op>(op)))
        return std::nullopt;
    return Entry{call::ToView(k), call::ToView(v)};
}

std::optional<Entry> Cursor::First() {
    return Move(MDB_FIRST);
}

std::optional<Entry> Cursor::Last() {
    return Move(MDB_LAST);
}

std::optional<Entry> Cursor::Next() {
    return Move(MDB_NEXT);
}

std::optional<Entry> Cursor::Prev() {
    return Move(MDB_PREV);
}

std::optional<Entry> Cursor::Current() {
    return Move(MDB_GET_CURRENT);
}

std::optional<Entry> Cursor::Seek(std::string_view key) {
    if (key.empty())
        return First(); // LMDB rejects zero-length keys; every key is >= "".
    return Move(MDB_SET_RANGE, key);
}

std::optional<Entry> Cursor::Find(std::string_view key) {
    if (key.empty())
        return std::nullopt;
    return Move(MDB_SET_KEY, key);
}

std::optional<Entry> Cursor::SeekPrefix(std::string_view prefix) {
    auto entry = Seek(prefix);
    if (entry && !entry->key.starts_with(prefix))
        return std::nullopt;
    return entry;
}

std::optional<Entry> Cursor::NextWithPrefix(std::string_view prefix) {
    auto entry = Next();
    if (entry && !entry->key.starts_with(prefix))
        return std::nullopt;
    return entry;
}

void Cursor::DelCurrent() {
    call::CursorDel(cursor_, 0);
}

} // namespace sealpost::lmdb
