#include "Dbi.hxx"
#include "Calls.hxx"
#include "Txn.hxx"

#include <string>
#include <type_traits>

namespace sealpost::lmdb {

static_assert(std::is_same_v<MDB_dbi, unsigned>);

Dbi Dbi::Open(Txn& txn, std::string_view name, unsigned flags) {
    const std::string owned(name);
    return Dbi(call::DbiOpen(txn.Handle(), name.empty() ? nullptr : owned.c_str(), flags));
}

std::optional<std::string_view> Dbi::Get(Txn& txn, std::string_view key) const {
    MDB_val k = call::ToVal(key);
    MDB_val v{};
    if (!call::Get(txn.Handle(), dbi_, &k, &v))
        return std::nullopt;
    return call::ToView(v);
}

bool Dbi::Put(Txn& txn, std::string_view key, std::string_view value, unsigned flags) const {
    MDB_val k = call::ToVal(key);
    MDB_val v = call::ToVal(value);
    return call::Put(txn.Handle(), dbi_, &k, &v, flags);
}

bool Dbi::Del(Txn& txn, std::string_view key) const {
    MDB_val k = call::ToVal(key);
    return call::Del(txn.Handle(), dbi_, &k, nullptr);
}

bool Dbi::Del(Txn& txn, std::string_view key, std::string_view value) const {
    MDB_val k = call::ToVal(key);
    MDB_val v = call::ToVal(value);
    return call::Del(txn.Handle(), dbi_, &k, &v);
}

std::size_t Dbi::Count(Txn& txn) const {
    return call::DbiStat(txn.Handle(), dbi_).ms_entries;
}

void Dbi::Clear(Txn& txn) const {
    call::DbiDrop(txn.Handle(), dbi_, false);
}

} // namespace sealpost::lmdb
