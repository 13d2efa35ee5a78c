// Blocking whole-buffer reads and writes on a file descriptor for the age file
// reader and writer, retrying short transfers and EINTR; failures throw
// AgeError(io_error). Internal to the age layer; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealpost::age {

/// Reads until `out` is full or end of file; returns the bytes read.
std::size_t ReadFully(int fd, std::span<std::uint8_t> out);

void WriteFully(int fd, std::span<const std::uint8_t> data);

} // namespace sealpost::age
