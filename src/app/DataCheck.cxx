#include "app/DataCheck.hxx"

#include "lib/lmdb/Error.hxx"

#include <lmdb.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>

namespace sealpost::app {
namespace {

// LMDB 0.9's on-disk meta page (64-bit builds): a 16-byte page header, then
// MDB_meta: magic, version, address, map size, the free and main MDB_db (48 bytes
// each; the free one's md_pad holds the page size), last page number, txn id.
constexpr std::size_t kPageHeader = 16;
constexpr std::uint32_t kMagic = 0xBEEFC0DE;
constexpr std::uint32_t kDataVersion = 1;
constexpr std::size_t kMagicAt = kPageHeader;
constexpr std::size_t kVersionAt = kPageHeader + 4;
constexpr std::size_t kPageSizeAt = kPageHeader + 24; // mm_dbs[0].md_pad
constexpr std::size_t kLastPageAt = kPageHeader + 24 + 2 * 48;
constexpr std::size_t kTxnIdAt = kLastPageAt + 8;
constexpr std::size_t kMetaBytes = kTxnIdAt + 8;

struct Meta {
    std::uint64_t page_size;
    std::uint64_t last_page;
    std::uint64_t txn_id;
};

template <typename T> T Load(const char* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

std::optional<Meta> ReadMeta(std::ifstream& in, std::uint64_t offset, std::uint64_t file_size) {
    if (offset + kMetaBytes > file_size)
        return std::nullopt;
    std::array<char, kMetaBytes> buf{};
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(buf.data(), buf.size()))
        return std::nullopt;
    if (Load<std::uint32_t>(buf.data() + kMagicAt) != kMagic ||
        Load<std::uint32_t>(buf.data() + kVersionAt) != kDataVersion)
        return std::nullopt;
    const Meta meta{Load<std::uint32_t>(buf.data() + kPageSizeAt),
                    Load<std::uint64_t>(buf.data() + kLastPageAt),
                    Load<std::uint64_t>(buf.data() + kTxnIdAt)};
    // Page sizes are powers of two from 512 bytes to 64 KiB.
    if (meta.page_size < 512 || meta.page_size > 65536 ||
        (meta.page_size & (meta.page_size - 1)) != 0)
        return std::nullopt;
    return meta;
}

std::string WhatToDo(const std::filesystem::path& file) {
    return "sealpost refuses to start rather than lose or misread data. Stop every sealpost "
           "process, keep a copy of the damaged " +
           file.parent_path().string() +
           "/ for investigation, and restore that folder from your most recent backup "
           "(README, \"Backup and restore\"), then start again";
}

} // namespace

std::string CheckLmdbFile(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return {};
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    if (ec)
        return "cannot be read: " + ec.message();
    if (size == 0)
        return "is empty (0 bytes): it was truncated, so every record in it is missing";
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return "cannot be opened for reading";
    auto first = ReadMeta(in, 0, size);
    // The second meta page sits one page further; its size is in either meta.
    std::optional<Meta> second;
    for (const std::uint64_t page :
         {first ? first->page_size : 0, std::uint64_t{4096}, std::uint64_t{8192},
          std::uint64_t{16384}, std::uint64_t{65536}})
        if (page && !second)
            second = ReadMeta(in, page, size);
    if (!first && !second)
        return "is not a readable LMDB file (both meta pages are damaged; " + std::to_string(size) +
               " bytes)";
    // LMDB uses the meta of the newest transaction.
    const Meta& meta = !second || (first && first->txn_id >= second->txn_id) ? *first : *second;
    const std::uint64_t needed = (meta.last_page + 1) * meta.page_size;
    if (size < needed)
        return "is cut short: " + std::to_string(size) + " bytes, but its last transaction uses " +
               std::to_string(needed) + " (pages past the end are missing)";
    return {};
}

void CheckDataFiles(const std::filesystem::path& data_dir) {
    for (const char* dir : {"index", "audit", "outbox"}) {
        const auto file = data_dir / dir / "data.mdb";
        if (const std::string problem = CheckLmdbFile(file); !problem.empty())
            throw DataDamaged(file.string() + " " + problem + ". " + WhatToDo(file) + ".");
    }
}

std::string DamageHint(const std::exception& error, const std::filesystem::path& data_dir) {
    const auto* lmdb_error = dynamic_cast<const lmdb::Error*>(&error);
    if (!lmdb_error)
        return {};
    switch (lmdb_error->Code()) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
        return "an LMDB file under " + data_dir.string() +
               " (data.mdb of index/, audit/ or outbox/) is damaged. " +
               WhatToDo(data_dir / "index" / "data.mdb") + " (or audit/, outbox/, whichever " +
               "`sealpost audit verify` and `sealpost admin stats` fail on).";
    default:
        return {};
    }
}

} // namespace sealpost::app
