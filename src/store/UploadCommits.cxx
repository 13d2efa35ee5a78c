#include "store/UploadCommits.hxx"
#include "lib/uv/Work.hxx"
#include "store/BlobStore.hxx"
#include "store/FileIo.hxx"

namespace sealpost::store {

void UploadCommits::Enqueue(Index::UploadCommit commit, std::shared_ptr<UniqueFd> blob,
                            Done done) {
    auto self = shared_from_this();
    uv::QueueWork(
        loop_, [blob] { DataSync(blob->get()); },
        [self, commit = std::move(commit), done = std::move(done)](std::exception_ptr error) {
            if (error) {
                done(Index::CommitResult::stored, error);
                return;
            }
            self->pending_.push_back(commit);
            self->pending_done_.push_back(done);
            if (!self->writing_)
                self->StartBatch();
        });
}

void UploadCommits::StartBatch() {
    if (pending_.empty())
        return;
    writing_ = true;
    auto batch = std::make_shared<std::vector<Index::UploadCommit>>(std::move(pending_));
    auto dones = std::make_shared<std::vector<Done>>(std::move(pending_done_));
    pending_.clear();
    pending_done_.clear();
    auto results = std::make_shared<std::vector<Index::CommitResult>>();
    auto errors = std::make_shared<std::vector<std::exception_ptr>>(batch->size());
    auto self = shared_from_this();
    Index* index = &index_;
    const BlobStore* blobs = &blobs_;
    uv::QueueWork(
        loop_,
        [batch, results, errors, index, blobs] {
            *results = index->CommitUploads(*batch);
            // The index decided, in one transaction, whether each transfer
            // still takes its file (a revoke or an expiry may have come
            // first); a complete blob gets its final name only after that.
            std::vector<std::string> complete;
            std::vector<std::size_t> at;
            for (std::size_t i = 0; i < batch->size(); ++i) {
                if ((*results)[i] != Index::CommitResult::stored || !(*batch)[i].file.complete)
                    continue;
                complete.push_back((*batch)[i].file.id);
                at.push_back(i);
            }
            if (complete.empty())
                return;
            const auto renamed = blobs->CommitAll(complete);
            for (std::size_t k = 0; k < at.size(); ++k)
                (*errors)[at[k]] = renamed[k];
        },
        [self, dones, results, errors](std::exception_ptr error) {
            self->writing_ = false;
            for (std::size_t i = 0; i < dones->size(); ++i) {
                const auto result = i < results->size() ? (*results)[i] : Index::CommitResult::gone;
                (*dones)[i](result, error ? error : (*errors)[i]);
            }
            self->StartBatch();
        });
}

} // namespace sealpost::store
