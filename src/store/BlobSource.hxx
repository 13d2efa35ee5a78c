// Decrypting readers of complete blobs for downloads. OpenBlob() verifies the
// header with the transfer identity (threadpool); a BlobSource then streams a
// plaintext byte range as a stream::ResponseSource, keeping a few 512 KiB batches
// read and decrypted ahead on the threadpool, in parallel. A chunk that fails
// authentication ends the response with an error: tampered bytes are never sent as data.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/BlobLayout.hxx"
#include "age/PayloadKey.hxx"
#include "store/UniqueFd.hxx"
#include "stream/Body.hxx"

#include <functional>
#include <memory>
#include <string>

struct uv_loop_s;

namespace sealpost::store {

class BlobStore;
struct FileRecord;

/// An authenticated, open blob; shared by the source and its jobs.
struct OpenBlobFile {
    UniqueFd fd;
    age::PayloadKey key;
    age::BlobLayout layout;
};

using OpenBlobCallback = std::function<void(std::shared_ptr<OpenBlobFile> blob, std::string error)>;

void OpenBlob(uv_loop_s* loop, const BlobStore& blobs, const FileRecord& file,
              std::shared_ptr<const age::AgeIdentity> identity, OpenBlobCallback done);

/// Blocking form of OpenBlob (threadpool jobs, command line, tests). Throws.
std::shared_ptr<OpenBlobFile> OpenBlobNow(const BlobStore& blobs, const FileRecord& file,
                                          const age::AgeIdentity& identity);

/// Reads and decrypts plaintext [offset, offset + out.size()) (blocking), one
/// chunk per pread, whole chunks in place in `out`. Throws.
void ReadPlain(const OpenBlobFile& blob, std::uint64_t offset, std::span<std::uint8_t> out);

std::unique_ptr<stream::ResponseSource> MakeBlobSource(uv_loop_s* loop,
                                                       std::shared_ptr<OpenBlobFile> blob,
                                                       std::uint64_t first, std::uint64_t length);

} // namespace sealpost::store
