// The files a recipient sees: a transfer's complete files in upload order, with the
// names, content types and digests opened (they are sealed in the index) by the transfer's
// identity. Reads the index and decrypts small records; fine on the loop thread for
// the few files of a transfer.
#pragma once

#include "store/Records.hxx"

#include <cstdint>
#include <string>
#include <vector>

namespace sealpost::age {
class AgeIdentity;
}
namespace sealpost::store {
class Storage;
}

namespace sealpost::download {

struct OpenedFile {
    store::FileRecord record;
    /// The file name as uploaded, or the file id if it cannot be opened.
    std::string name;
    /// The content type as uploaded; empty if unknown.
    std::string type;
    /// SHA-256 (hex) and CRC-32 of the content (sealed in the index).
    std::string sha256;
    std::uint32_t crc32 = 0;
};

/// Files still uploading, or gone from the index, are left out.
std::vector<OpenedFile> CompleteFiles(store::Storage& storage,
                                      const store::TransferRecord& transfer,
                                      const age::AgeIdentity& identity);

} // namespace sealpost::download
