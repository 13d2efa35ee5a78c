// Positional file I/O on descriptors for the blob and wrap files: complete
// writes and reads (EINTR retried), syncs, write-back hints. Every function
// blocks on the disk (threadpool, start-up, command line) and throws
// std::system_error with the operation in its message. Any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace sealpost::store {

/// Writes all of `data` at `offset`.
void WriteAt(int fd, std::span<const std::uint8_t> data, std::uint64_t offset);
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
