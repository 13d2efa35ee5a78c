// Group commit of upload progress: a request that finished (or passed a
// durable-progress point, UploadSession) hands over its blob descriptor and
// its index record. The descriptor is synced (fdatasync) at once on the
// threadpool, in parallel with the others; the records whose bytes are
// durable are then written together, one LMDB write transaction (one sync of
// the index) per batch instead of one per request, and the complete blobs of
// the batch are renamed into place with one sync of their directory. While a
// batch is being written the next one gathers, so requests that finish at
// the same time share one index commit. Each upload is still decided on its
// own (Index::CommitUploads), and a complete blob gets its final name only
// after its record is committed; `done` runs only after all of that.
//
// Owned by Storage (shared with the upload sessions); loop thread only, the
// syncs and writes run on the threadpool.
#pragma once

#include "store/Index.hxx"
#include "store/UniqueFd.hxx"

#include <exception>
#include <functional>
#include <memory>
#include <vector>

struct uv_loop_s;

namespace sealpost::store {

class BlobStore;

class UploadCommits : public std::enable_shared_from_this<UploadCommits> {
public:
    using Done = std::function<void(Index::CommitResult, std::exception_ptr)>;

    UploadCommits(uv_loop_s* loop, Index& index, const BlobStore& blobs)
        : loop_(loop), index_(index), blobs_(blobs) {}

    /// Syncs `blob` (the upload's descriptor), then commits `commit` with the
    /// next batch; `done` runs on the loop thread once both are durable, or
    /// with the error of the sync (then nothing is committed) or of the
    /// batch.
    void Enqueue(Index::UploadCommit commit, std::shared_ptr<UniqueFd> blob, Done done);

private:
    void StartBatch();

    uv_loop_s* loop_;
    Index& index_;
    const BlobStore& blobs_;
    bool writing_ = false;
    std::vector<Index::UploadCommit> pending_;
    std::vector<Done> pending_done_;
};

} // namespace sealpost::store
