// The destroyable key wraps: W_up, W_pw, the recipients' access-grant
// wraps and the QUICK wraps (W_q, W_inv, browsers' shared keys, activation codes), one small file each under data/keys/wraps/, never in the LMDB index.
//
// Why files: LMDB never overwrites a page in place, so an old version of a
// record stays readable in freed pages of data.mdb long after it was
// "deleted". A wrap that must be destroyable therefore lives in a file of its
// own that is written once (temporary name, fsync, rename, directory fsync)
// and destroyed by overwriting its bytes in place with zeros, fdatasync, and
// unlinking it. On ext4/xfs (data=ordered, no reflinks or snapshots) the
// overwrite reaches the same blocks; a copy-on-write file system (btrfs, zfs)
// or a snapshot of the volume keeps the old blocks, which docs/security.md
// says.
//
// Names are `<id>.<kind>` where the id passed IsValidId() (server-made ids
// only, never anything a client named). Every operation blocks on the disk:
// call it on the threadpool, at start-up or from the command line. Thread-safe
// (no state besides the directory path).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::store {

enum class WrapKind {
    upload,   ///< W_up: sk_T under a key derived from the server key, while open
    password, ///< W_pw: sk_T under the password KEK
    access,   ///< a recipient's access grant (the id is the grant id)
    quick,      ///< W_q[B]: sk_T under SK{A,B} (the id is B's download id)
    invitation, ///< W_inv[B]: SK{A,B} under the password KEK (B's download id)
    shared,     ///< SK{A,B} under a browser's personal key (QuickKeys)
    code,       ///< a QUICK activation code's bundle of shared keys (QuickKeys)
};

class WrapFiles {
public:
    /// Creates `dir` (mode 0700) if needed.
    explicit WrapFiles(std::filesystem::path dir);

    const std::filesystem::path& dir() const noexcept { return dir_; }

    /// Stores a wrap durably, replacing one of the same name. Throws std::system_error.
    void Put(std::string_view id, WrapKind kind, std::span<const std::uint8_t> wrap) const;
    /// The wrap, or nullopt when there is none (never stored, or destroyed).
    std::optional<std::vector<std::uint8_t>> Get(std::string_view id, WrapKind kind) const;
    /// Overwrites the wrap's bytes with zeros, syncs, unlinks it and syncs the
    /// directory. A missing wrap is fine. Throws std::system_error.
    void Destroy(std::string_view id, WrapKind kind) const;
    /// Every wrap of a transfer: upload, password, and each recipient's
    /// W_q and W_inv (named by the recipients' download ids).
    void DestroyTransferWraps(std::string_view transfer_id,
                              const std::vector<std::string>& download_ids = {}) const;
    /// (id, kind) of every wrap present, for the start-up sweep.
    std::vector<std::pair<std::string, WrapKind>> List() const;

private:
    std::filesystem::path PathOf(std::string_view id, WrapKind kind) const;

    std::filesystem::path dir_;
};

} // namespace sealpost::store
