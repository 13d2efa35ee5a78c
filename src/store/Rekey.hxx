// Re-keying of partial blobs, and the loading of an upload session after a
// restart or a failed request.
//
// Loading opens the partial blob of an incomplete file for another request: rebuilds
// the hashes of the durable prefix (file.offset, whole chunks) from the blob.
//
// Bytes past the durable prefix mean that some chunk index at or beyond it was
// sealed and written before (a request dropped for a bad checksum, a failed
// sync, a kill -9 before the offset was committed). The next request seals
// those indexes again, possibly with other bytes, and under the same payload
// key and STREAM counter that would reuse a ChaCha20-Poly1305 nonce. So the
// blob is re-keyed first: a fresh file key and payload nonce (a new header to
// the same recipient), the durable prefix re-encrypted into `<id>.rekey`
// (streaming, constant memory), synced, renamed over the `.part`, and only
// then is the old key forgotten. A crash before the rename leaves the old
// `.part` with its tail, which the next load re-keys again; the file length
// beyond the durable prefix is what records that re-keying is due.
//
//
// Blocking (threadpool). Updates the index when chunks_offset changes.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/AgeRecipient.hxx"
#include "age/PayloadKey.hxx"
#include "store/Records.hxx"
#include "store/UniqueFd.hxx"
#include "store/UploadSession.hxx"

#include <memory>
#include <optional>

namespace sealpost::store {

class BlobStore;
class Index;

struct LoadedPart {
    std::optional<age::PayloadKey> key;
    UniqueFd fd;
    std::unique_ptr<FileHashes> hashes;
    bool rekeyed = false;
};

/// Opens the `.part` of `file` (whose record may be updated), re-keying it
/// when chunks past the durable offset were written before.
LoadedPart LoadPart(const BlobStore& blobs, Index& index, FileRecord& file,
                    const age::AgeIdentity& identity, const age::AgeRecipient& recipient);

} // namespace sealpost::store
