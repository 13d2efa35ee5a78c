// Storage: the registry of open upload sessions (tus and PUT). A session is
// created with its file, or loaded again (Rekey.cxx) after a restart or a
// request that left chunks it could not make durable; one load per file at a
// time. Loop thread; disk and index work on the threadpool.
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "crypto/SealedMetadata.hxx"
#include "crypto/TransferKeys.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/evp/Digest.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/FileIo.hxx"
#include "store/Ids.hxx"
#include "store/Rekey.hxx"
#include "store/Storage.hxx"
#include "store/TransferRecipient.hxx"
#include "util/Hex.hxx"
#include "util/Time.hxx"

#include <stdexcept>

namespace sealpost::store {
namespace {

void LogFailure(std::exception_ptr error, std::string_view what) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        log::Write(log::Level::error, "storage_failed", {{"operation", std::string(what)}, {"error", e.what()}});
    }
}

} // namespace

void Storage::CreateFile(const std::string& transfer_id, std::uint64_t size, std::string name,
                         std::string type, FileCallback done, bool open_ended) {
    const auto t = index_->GetTransfer(transfer_id);
    if (!t) {
        done({Outcome::not_found, std::nullopt, {}});
        return;
    }
    if (t->status != TransferStatus::open) {
        done({IsLive(t->status) ? Outcome::not_open : Outcome::gone, std::nullopt, {}});
        return;
    }
    if (t->reserved + size > t->max_size || t->reserved + size < t->reserved) {
        done({Outcome::over_quota, std::nullopt, {}});
        return;
    }
    struct Job {
        FileCreated result;
        std::optional<age::PayloadKey> key;
        UniqueFd fd;
    };
    auto job = std::make_shared<Job>();
    const TransferRecord transfer = *t;
    uv::QueueWork(
        loop_,
        [this, job, transfer, size, name = std::move(name), type = std::move(type), open_ended] {
            if (blobs_->FreeBytes() < size + options_.min_free_disk) {
                job->result = {Outcome::no_space, std::nullopt, {}};
                return;
            }
            FileRecord file;
            file.id = NewId();
            file.transfer_id = transfer.id;
            file.size = size;
            file.created_at = UnixNow();
            file.upload_expires_at = file.created_at + options_.upload_expiry_seconds;
            const auto recipient = RecipientOf(transfer);
            file.sealed_name = crypto::SealedMetadata::Seal(
                recipient, crypto::WrapContext(crypto::purpose::kFileName, {transfer.id, file.id}),
                name);
            file.sealed_type = crypto::SealedMetadata::Seal(
                recipient,
                crypto::WrapContext(crypto::purpose::kContentType, {transfer.id, file.id}), type);
            UniqueFd fd = blobs_->CreatePart(file.id);
            auto start = age::StartBlob(recipient);
            WriteAt(fd.get(),
                               {reinterpret_cast<const std::uint8_t*>(start.prefix.data()),
                                start.prefix.size()},
                               0);
            file.chunks_offset = start.ChunksOffset();
            if (size == 0 && !open_ended) {
                // An empty file is one empty final chunk, complete at once.
                std::vector<std::uint8_t> sealed(age::kChunkTagSize);
                if (age::SealChunk(start.payload_key, 0, true, {}, sealed) != age::AgeErrc::ok)
                    throw std::runtime_error("sealing failed");
                WriteAt(fd.get(), sealed, file.chunks_offset);
                DataSync(fd.get());
                evp::Digest sha(evp::DigestAlgorithm::sha256);
                job->result.sha256 = HexEncode(sha.Finish());
                file.sealed_digest =
                    SealDigest(recipient, transfer.id, file.id, job->result.sha256, 0);
                file.complete = true;
                file.upload_expires_at = 0;
            }
            switch (index_->AddFile(file)) {
            case Index::AddFileResult::added:
                break;
            case Index::AddFileResult::over_quota:
                blobs_->Remove(file.id);
                job->result = {Outcome::over_quota, std::nullopt, {}};
                return;
            case Index::AddFileResult::no_transfer:
            case Index::AddFileResult::not_open:
                blobs_->Remove(file.id);
                job->result = {Outcome::not_open, std::nullopt, {}};
                return;
            }
            if (file.complete)
                blobs_->Commit(file.id);
            job->key.emplace(std::move(start.payload_key));
            job->fd = std::move(fd);
            job->result.outcome = Outcome::ok;
            job->result.file = file;
        },
        [this, job, done = std::move(done)](std::exception_ptr error) {
            if (error) {
                LogFailure(error, "creating a file");
                done({Outcome::failed, std::nullopt, {}});
                return;
            }
            if (job->result.file && !job->result.file->complete) {
                sessions_[job->result.file->id] =
                    NewSession(*job->result.file, std::move(*job->key), std::move(job->fd),
                               std::make_unique<FileHashes>());
            } else if (job->result.file && on_file_complete) {
                on_file_complete(*job->result.file);
            }
            done(std::move(job->result));
        });
}

std::shared_ptr<UploadSession> Storage::NewSession(const FileRecord& file, age::PayloadKey key,
                                                   UniqueFd fd,
                                                   std::unique_ptr<FileHashes> hashes) {
    const auto t = index_->GetTransfer(file.transfer_id);
    if (!t)
        throw std::runtime_error("the file's transfer is gone");
    const UploadSession::Context context{
        loop_,           *index_,       *blobs_,        options_.upload_expiry_seconds,
        RecipientOf(*t), segment_pool_, upload_commits_};
    auto session = std::make_shared<UploadSession>(context, file, std::move(key), std::move(fd),
                                                   std::move(hashes));
    session->on_complete = on_file_complete;
    return session;
}

void Storage::WithSession(const FileRecord& file, SessionCallback done) {
    if (const auto it = sessions_.find(file.id); it != sessions_.end()) {
        if (!it->second->stale()) {
            done(it->second, Outcome::ok);
            return;
        }
        sessions_.erase(it);
    }
    // One load per file at a time: a load may rewrite the blob under a new
    // key, and two of those racing would leave a session with the wrong key.
    if (const auto it = loading_.find(file.id); it != loading_.end()) {
        it->second.push_back(std::move(done));
        return;
    }
    loading_[file.id].push_back(std::move(done));
    struct Job {
        FileRecord file;
        LoadedPart part;
        Outcome outcome = Outcome::ok;
    };
    auto job = std::make_shared<Job>();
    job->file = file;
    uv::QueueWork(
        loop_,
        [this, job] {
            const auto t = index_->GetTransfer(job->file.transfer_id);
            const auto w_up = t && t->status == TransferStatus::open
                                  ? wraps_.Get(t->id, WrapKind::upload)
                                  : std::nullopt;
            if (!w_up) {
                job->outcome = t && !IsLive(t->status) ? Outcome::gone : Outcome::not_open;
                return;
            }
            // The index is the authority on the durable offset; the record the
            // request looked up may be older than the last session's commit.
            auto current = index_->GetFile(job->file.id);
            if (!current) {
                job->outcome = Outcome::not_found;
                return;
            }
            job->file = std::move(*current);
            if (job->file.complete) {
                job->outcome = Outcome::complete_already;
                return;
            }
            const auto keys = crypto::TransferKeys::OpenWithServerKey(*server_key_, t->id, *w_up);
            if (!keys)
                throw std::runtime_error("the upload key cannot be opened");
            job->part = LoadPart(*blobs_, *index_, job->file, keys->Identity(), RecipientOf(*t));
        },
        [this, job](std::exception_ptr error) {
            const std::string id = job->file.id;
            auto waiters = std::move(loading_[id]);
            loading_.erase(id);
            std::shared_ptr<UploadSession> session;
            Outcome outcome = job->outcome;
            if (error) {
                LogFailure(error, "resuming the upload of file " + id);
                outcome = Outcome::failed;
            } else if (outcome == Outcome::ok) {
                auto& slot = sessions_[id];
                if (!slot || slot->stale())
                    slot = NewSession(job->file, std::move(*job->part.key), std::move(job->part.fd),
                                      std::move(job->part.hashes));
                session = slot;
            }
            for (auto& waiter : waiters)
                waiter(session, outcome);
        });
}

void Storage::TerminateFile(const FileRecord& file, std::function<void(Outcome)> done) {
    sessions_.erase(file.id);
    uv::QueueWork(
        loop_,
        [this, file] {
            index_->RemoveFile(file);
            blobs_->Remove(file.id);
        },
        [done = std::move(done)](std::exception_ptr error) {
            if (error)
                LogFailure(error, "removing an upload");
            done(error ? Outcome::failed : Outcome::ok);
        });
}

void Storage::ForgetSessions(const TransferRecord& transfer) {
    for (const auto& id : transfer.file_ids)
        sessions_.erase(id);
}

} // namespace sealpost::store
