// Start-up checks of the data folder's LMDB files (the index, the audit log, the
// outbox), made before anything opens them. LMDB maps a file and trusts its meta
// page: a data.mdb cut short would crash the process on the first page past its end
// (SIGBUS), and one emptied to zero bytes would silently become a new, empty index
// beside the blobs and keys of the old one. So each data.mdb must hold a valid meta
// page (LMDB's magic and version) and every page that meta counts as in use; else
// `sealpost serve` refuses to start, names the file and says what to do, and leaves
// the file as it is. Damage inside the B-tree (found while the start-up sweep reads
// every record) is reported the same way by DamageHint().
#pragma once

#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace sealpost::app {

/// A damaged data file; what() says which, how, and what to do.
class DataDamaged : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What is wrong with one LMDB data file; empty when it looks whole (or is absent).
std::string CheckLmdbFile(const std::filesystem::path& file);

/// Checks data_dir/{index,audit,outbox}/data.mdb; throws DataDamaged for the first
/// damaged one.
void CheckDataFiles(const std::filesystem::path& data_dir);

/// For an LMDB error that means a damaged file (MDB_CORRUPTED, MDB_PAGE_NOTFOUND,
/// MDB_INVALID, MDB_VERSION_MISMATCH): what to do about it; empty otherwise.
std::string DamageHint(const std::exception& error, const std::filesystem::path& data_dir);

} // namespace sealpost::app
