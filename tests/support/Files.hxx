// Test files: seeded pseudo-random content of any size (written in constant
// memory) and its SHA-256 as the real sha256sum computes it. Any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace sealpost::test {

/// Writes `size` bytes of content determined by `seed`.
void MakeFile(const std::filesystem::path& file, std::uint64_t size, unsigned seed);
/// Lower-case hex SHA-256 by `sha256sum`; throws when it fails.
std::string Sha256Hex(const std::filesystem::path& file);

} // namespace sealpost::test
