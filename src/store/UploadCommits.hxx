// Group commit of finished upload requests: the index records of uploads
// whose bytes are durable are written together, one LMDB write transaction
// (one sync of the index) per batch instead of one per request, so a burst of
// a thousand small PATCHes does not queue a thousand index syncs behind LMDB's
// single writer. While a batch is being written the next one gathers; each
// upload is still decided on its own (Index::CommitUploads), and a complete
// blob gets its final name only after its record is committed.
//
// Owned by Storage (shared with the upload sessions); loop thread only, the
// writes run on the libuv threadpool.
#pragma once

#include "store/Index.hxx"

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

    /// Commits `commit` with the next batch; `done` runs on the loop thread.
    void Enqueue(Index::UploadCommit commit, Done done);

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
