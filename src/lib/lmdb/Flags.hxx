// Flag constants of the LMDB adapter, with the same values as lmdb.h's MDB_* flags (checked
// by static_assert in Calls.cxx), so code outside src/lib/lmdb/ never includes <lmdb.h>.
// Combine them with |. Constants only; usable from any thread.
#pragma once

namespace sealpost::lmdb {

// Environment flags (EnvOptions::flags). MDB_NOTLS is always added by Env.
inline constexpr unsigned kEnvNoSubdir = 0x4000;      ///< path names the data file itself
inline constexpr unsigned kEnvNoSync = 0x10000;       ///< no fsync on commit (tests only)
inline constexpr unsigned kEnvReadOnly = 0x20000;     ///< open read-only
inline constexpr unsigned kEnvNoMetaSync = 0x40000;   ///< fsync data but not the meta page
inline constexpr unsigned kEnvWriteMap = 0x80000;     ///< writable memory map
inline constexpr unsigned kEnvNoReadahead = 0x800000; ///< no OS readahead

// Named database flags (Dbi::Open).
inline constexpr unsigned kDbReverseKey = 0x02; ///< compare keys from their last byte
inline constexpr unsigned kDbDupSort = 0x04;    ///< several sorted values per key
inline constexpr unsigned kDbIntegerKey = 0x08; ///< native-endian integer keys
inline constexpr unsigned kDbDupFixed = 0x10;   ///< with kDbDupSort: values of equal size
inline constexpr unsigned kDbCreate = 0x40000;  ///< create the database if missing

// Write flags (Dbi::Put).
inline constexpr unsigned kPutNoOverwrite = 0x10;  ///< keep an existing key; Put returns false
inline constexpr unsigned kPutNoDupData = 0x20;    ///< kDbDupSort: keep an existing pair
inline constexpr unsigned kPutAppend = 0x20000;    ///< key sorts after every existing key
inline constexpr unsigned kPutAppendDup = 0x40000; ///< kDbDupSort: value sorts last

} // namespace sealpost::lmdb
