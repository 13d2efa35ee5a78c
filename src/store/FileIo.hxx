// Positional file I/O on descriptors for the blob and wrap files: complete
// writes and reads (EINTR retried), syncs, write-back hints. Every function
// blocks on the disk (threadpool, start-up, command line) and throws
// std::system_error with the operation in its message. Any thread.
#pragma once

#include "store/UniqueFd.hxx"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace sealpost::store {

/// Writes all of `data` at `offset`.
void WriteAt(int fd, std::span<const std::uint8_t> data, std::uint64_t offset);

/// O_DIRECT writes start and end on multiples of this (file offset, length and
/// memory address), which suits every block device up to 4 KiB sectors.
inline constexpr std::uint64_t kDirectAlign = 4096;
/// Memory aligned to kDirectAlign, so that an O_DIRECT write can come from
/// it; never zero-filled.
struct DirectMemoryDelete {
    void operator()(std::uint8_t* p) const noexcept;
};
using DirectMemory = std::unique_ptr<std::uint8_t[], DirectMemoryDelete>;
DirectMemory AllocateDirectMemory(std::size_t size);
/// A second descriptor for writing the file behind `fd` with O_DIRECT (its
/// writes skip the page cache: no copy into it, no write-back later), or an
/// invalid one where the file system refuses O_DIRECT (then callers write
/// through `fd`).
UniqueFd OpenDirect(int fd);
/// Writes all of `data` at `offset` through `direct` where it can: the whole
/// kDirectAlign blocks in the middle with O_DIRECT, the partial blocks at the
/// two ends (which neighbouring writes share) through `fd` and the page
/// cache. `data` must lie in memory as the file does: data.data() + k
/// aligned to kDirectAlign wherever offset + k is. Returns false if nothing
/// went through `direct` (no descriptor, a range within one block, or the
/// file system refused the write, which is then made through `fd`).
bool WriteAtDirect(int direct, int fd, std::span<const std::uint8_t> data, std::uint64_t offset);
/// Reads exactly data.size() bytes unless the file ends first; returns bytes read.
std::size_t ReadAt(int fd, std::span<std::uint8_t> data, std::uint64_t offset);
void DataSync(int fd);
/// Starts write-back of a range without waiting (so the final sync is short).
void StartWriteback(int fd, std::uint64_t offset, std::uint64_t length);
std::uint64_t FileSize(int fd);
/// fsync of a directory, so that a rename or unlink in it is durable.
void SyncDirectory(const std::filesystem::path& dir);
[[noreturn]] void ThrowErrno(const std::string& what);

} // namespace sealpost::store
