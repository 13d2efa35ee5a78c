#include "store/Storage.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/SealedMetadata.hxx"
#include "crypto/ServerKey.hxx"
#include "crypto/TransferKeys.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/BlobSource.hxx"
#include "store/Ids.hxx"
#include "util/Hex.hxx"

#include <unistd.h>

#include <ctime>
#include <set>
#include <stdexcept>

namespace sealpost::store {
namespace {

std::int64_t Now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

age::AgeRecipient RecipientOf(const TransferRecord& t) {
    auto recipient = age::AgeRecipient::FromString(t.public_key);
    if (!recipient)
        throw std::runtime_error("transfer has no valid public key");
    return *recipient;
}

std::vector<std::uint8_t> ToBytes(std::string_view s) {
    return {s.begin(), s.end()};
}

// Seals a whole small plaintext (the confidential message) into a new,
// complete blob. Blocking.
FileRecord WriteSmallBlob(const BlobStore& blobs, const TransferRecord& t, std::string_view text) {
    FileRecord file;
    file.id = NewId();
    file.transfer_id = t.id;
    file.size = text.size();
    file.created_at = Now();
    UniqueFd fd = blobs.CreatePart(file.id);
    const auto start = age::StartBlob(RecipientOf(t));
    BlobStore::WriteAt(fd.get(), ToBytes(start.prefix), 0);
    file.chunks_offset = start.ChunksOffset();
    const age::BlobLayout layout(file.chunks_offset, file.size);
    std::vector<std::uint8_t> sealed(age::kSealedChunkSize);
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    for (std::uint64_t i = 0; i < layout.ChunkCount(); ++i) {
        const std::size_t n = layout.ChunkPlainSize(i);
        const auto rc = age::SealChunk(start.payload_key, i, layout.IsLast(i),
                                       std::span(data + i * age::kChunkSize, n),
                                       std::span(sealed).first(n + age::kChunkTagSize));
        if (rc != age::AgeErrc::ok)
            throw std::runtime_error("sealing failed");
        BlobStore::WriteAt(fd.get(), std::span(sealed).first(n + age::kChunkTagSize),
                           layout.ChunkOffset(i));
    }
    BlobStore::DataSync(fd.get());
    blobs.Commit(file.id);
    evp::Digest sha(evp::DigestAlgorithm::sha256);
    sha.Update(std::span(data, text.size()));
    file.sha256 = HexEncode(sha.Finish());
    file.crc32 = Crc32::Of(text);
    file.offset = file.size;
    file.complete = true;
    return file;
}

// Opens the partial blob of an incomplete file for another request: rebuilds
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
// Blocking (threadpool). Updates the index when chunks_offset changes.
struct LoadedPart {
    std::optional<age::PayloadKey> key;
    UniqueFd fd;
    std::unique_ptr<FileHashes> hashes;
    bool rekeyed = false;
};

constexpr std::size_t kBatchChunks = 16; // 1 MiB of plaintext per read

age::OpenedBlob ReadBlobStart(int fd, const age::AgeIdentity& identity) {
    // The header of one X25519 stanza is about 200 bytes; read generously.
    std::vector<std::uint8_t> head(4096);
    head.resize(BlobStore::ReadAt(fd, head, 0));
    age::OpenedBlob opened;
    if (age::OpenBlobStart(head, identity, opened) != age::AgeErrc::ok || !opened.payload_key)
        throw std::runtime_error("the partial blob's header is damaged");
    return opened;
}

LoadedPart LoadPart(const BlobStore& blobs, Index& index, FileRecord& file,
                    const age::AgeIdentity& identity, const age::AgeRecipient& recipient) {
    LoadedPart part;
    UniqueFd fd = blobs.OpenPart(file.id);
    age::OpenedBlob opened = ReadBlobStart(fd.get(), identity);
    if (opened.chunks_offset != file.chunks_offset) {
        // Only after a crash between a re-key's rename and its index update
        // (the header size is fixed for one X25519 stanza, so not expected).
        file.chunks_offset = opened.chunks_offset;
        index.PutFile(file);
    }
    const age::PayloadKey& old_key = *opened.payload_key;
    const std::uint64_t durable_chunks = file.offset / age::kChunkSize;
    const age::BlobLayout old_layout(file.chunks_offset, file.size);
    const std::uint64_t keep = old_layout.ChunkOffset(durable_chunks);
    const std::uint64_t on_disk = BlobStore::FileSize(fd.get());
    if (on_disk < keep)
        throw std::runtime_error("the partial blob is shorter than its durable offset");
    auto hashes = std::make_unique<FileHashes>();

    if (on_disk == keep) {
        // Nothing was written past the durable prefix: keep the key.
        OpenBlobFile blob{UniqueFd(::dup(fd.get())), std::move(*opened.payload_key), old_layout};
        std::vector<std::uint8_t> buffer(kBatchChunks * age::kChunkSize);
        for (std::uint64_t done_bytes = 0; done_bytes < file.offset;) {
            const std::size_t n = static_cast<std::size_t>(
                std::min<std::uint64_t>(buffer.size(), file.offset - done_bytes));
            ReadPlain(blob, done_bytes, std::span(buffer).first(n));
            hashes->sha256.Update(std::span(buffer).first(n));
            hashes->crc.Update(std::span(buffer).first(n));
            done_bytes += n;
        }
        part.key.emplace(std::move(blob.key));
        part.fd = std::move(fd);
        part.hashes = std::move(hashes);
        return part;
    }

    // Re-key: every durable chunk is opened with the old key, hashed, and
    // sealed in place with the new one; the tail is left behind.
    auto start = age::StartBlob(recipient);
    UniqueFd out = blobs.CreateRekey(file.id);
    BlobStore::WriteAt(out.get(), ToBytes(start.prefix), 0);
    const age::BlobLayout new_layout(start.ChunksOffset(), file.size);
    std::vector<std::uint8_t> batch(kBatchChunks * age::kSealedChunkSize);
    constexpr std::uint64_t kWritebackEvery = 8u << 20;
    std::uint64_t unsynced_from = new_layout.ChunkOffset(0);
    for (std::uint64_t first = 0; first < durable_chunks;) {
        const std::uint64_t count = std::min<std::uint64_t>(kBatchChunks, durable_chunks - first);
        const auto sealed = std::span(batch).first(count * age::kSealedChunkSize);
        if (BlobStore::ReadAt(fd.get(), sealed, old_layout.ChunkOffset(first)) != sealed.size())
            throw std::runtime_error("the partial blob is truncated");
        for (std::uint64_t i = 0; i < count; ++i) {
            // Durable chunks are whole and never the final one.
            const auto chunk = sealed.subspan(i * age::kSealedChunkSize, age::kSealedChunkSize);
            const auto plain = chunk.first(age::kChunkSize);
            if (age::OpenChunk(old_key, first + i, false, chunk, plain) != age::AgeErrc::ok)
                throw std::runtime_error("a durable chunk of the partial blob is damaged");
            hashes->sha256.Update(plain);
            hashes->crc.Update(plain);
            if (age::SealChunk(start.payload_key, first + i, false, plain, chunk) !=
                age::AgeErrc::ok)
                throw std::runtime_error("sealing a chunk failed");
        }
        const std::uint64_t at = new_layout.ChunkOffset(first);
        BlobStore::WriteAt(out.get(), sealed, at);
        if (at + sealed.size() - unsynced_from >= kWritebackEvery) {
            BlobStore::StartWriteback(out.get(), unsynced_from, at + sealed.size() - unsynced_from);
            unsynced_from = at + sealed.size();
        }
        first += count;
    }
    BlobStore::DataSync(out.get());
    blobs.ReplacePart(file.id);
    if (file.chunks_offset != start.ChunksOffset()) {
        file.chunks_offset = start.ChunksOffset();
        index.PutFile(file);
    }
    part.key.emplace(std::move(start.payload_key));
    part.fd = std::move(out);
    part.hashes = std::move(hashes);
    part.rekeyed = true;
    log::Info("upload of file {}: chunks past the durable offset were written before; the blob "
              "was re-keyed",
              file.id);
    return part;
}
} // namespace

Storage::Storage(uv_loop_s* loop, StorageOptions options)
    : loop_(loop), options_(std::move(options)),
      index_(std::make_unique<Index>(options_.data_dir / "index")),
      blobs_(options_.data_dir / "blobs"),
      server_key_(std::make_unique<crypto::ServerKey>(
          crypto::ServerKey::LoadOrCreate(options_.data_dir / "keys" / "server.key"))) {}

Storage::~Storage() = default;

// --- internal interface ------------------------------------------------------

TransferRecord Storage::CreateTransfer(const NewTransfer& request) {
    TransferRecord t;
    t.id = NewId();
    t.status = TransferStatus::open;
    t.sender = request.sender;
    for (const auto& [email, kind] : request.recipients)
        t.recipients.push_back({email, kind, NewId(), 0, 0});
    t.created_at = Now();
    t.expires_at = t.created_at + request.retention_seconds;
    const auto keys = crypto::TransferKeys::Generate();
    t.public_key = keys.Recipient().ToString();
    t.w_up = keys.WrapForServer(*server_key_, t.id);
    const crypto::KdfParams params{options_.kdf_opslimit, options_.kdf_memlimit};
    t.w_pw = keys.WrapWithPassword(crypto::PasswordKek::Derive(request.password, params), t.id);
    t.max_size = request.max_size ? std::min(request.max_size, options_.max_transfer_size)
                                  : options_.max_transfer_size;
    t.options = request.options;
    if (request.message) {
        const FileRecord message = WriteSmallBlob(blobs_, t, *request.message);
        t.message_file_id = message.id;
        index_->PutFile(message);
    }
    index_->PutTransfer(t);
    return t;
}

TransferRecord Storage::SubmitTransfer(const std::string& transfer_id) {
    auto t = index_->GetTransfer(transfer_id);
    if (!t || t->status != TransferStatus::open)
        throw std::runtime_error("transfer is not open");
    for (const auto& id : t->file_ids) {
        const auto f = index_->GetFile(id);
        if (!f || !f->complete)
            throw std::runtime_error("transfer has incomplete files");
    }
    std::fill(t->w_up.begin(), t->w_up.end(), 0);
    t->w_up.clear();
    t->status = TransferStatus::provided;
    index_->PutTransfer(*t);
    return *t;
}

// --- uploads -----------------------------------------------------------------

void Storage::CreateFile(const std::string& transfer_id, std::uint64_t size, std::string name,
                         std::string type, FileCallback done, bool open_ended) {
    const auto t = index_->GetTransfer(transfer_id);
    if (!t) {
        done({404, "no such transfer", std::nullopt});
        return;
    }
    if (t->status != TransferStatus::open) {
        done({409, "the transfer is no longer open for uploads", std::nullopt});
        return;
    }
    if (t->reserved + size > t->max_size || t->reserved + size < t->reserved) {
        done({413, "the files exceed the transfer's size limit", std::nullopt});
        return;
    }
    struct Job {
        FileCallbackResult result;
        std::optional<age::PayloadKey> key;
        UniqueFd fd;
    };
    auto job = std::make_shared<Job>();
    const TransferRecord transfer = *t;
    const BlobStore* blobs = &blobs_;
    Index* index = index_.get();
    const StorageOptions options = options_;
    uv::QueueWork(
        loop_,
        [job, transfer, size, name = std::move(name), type = std::move(type), blobs, index, options,
         open_ended] {
            if (blobs->FreeBytes() < size + options.min_free_disk) {
                job->result = {507, "not enough disk space for this file", std::nullopt};
                return;
            }
            FileRecord file;
            file.id = NewId();
            file.transfer_id = transfer.id;
            file.size = size;
            file.created_at = Now();
            file.upload_expires_at = file.created_at + options.upload_expiry_seconds;
            const auto recipient = RecipientOf(transfer);
            file.sealed_name = crypto::SealedMetadata::Seal(
                recipient, crypto::WrapContext(crypto::purpose::kFileName, {transfer.id, file.id}),
                name);
            file.sealed_type = crypto::SealedMetadata::Seal(
                recipient,
                crypto::WrapContext(crypto::purpose::kContentType, {transfer.id, file.id}), type);
            UniqueFd fd = blobs->CreatePart(file.id);
            auto start = age::StartBlob(recipient);
            BlobStore::WriteAt(fd.get(), ToBytes(start.prefix), 0);
            file.chunks_offset = start.ChunksOffset();
            if (size == 0 && !open_ended) {
                // An empty file is one empty final chunk, complete at once.
                std::vector<std::uint8_t> sealed(age::kChunkTagSize);
                if (age::SealChunk(start.payload_key, 0, true, {}, sealed) != age::AgeErrc::ok)
                    throw std::runtime_error("sealing failed");
                BlobStore::WriteAt(fd.get(), sealed, file.chunks_offset);
                BlobStore::DataSync(fd.get());
                evp::Digest sha(evp::DigestAlgorithm::sha256);
                file.sha256 = HexEncode(sha.Finish());
                file.complete = true;
                file.upload_expires_at = 0;
            }
            switch (index->AddFile(file)) {
            case Index::AddFileResult::added:
                break;
            case Index::AddFileResult::over_quota:
                blobs->Remove(file.id);
                job->result = {413, "the files exceed the transfer's size limit", std::nullopt};
                return;
            default:
                blobs->Remove(file.id);
                job->result = {409, "the transfer is no longer open for uploads", std::nullopt};
                return;
            }
            if (file.complete)
                blobs->Commit(file.id);
            job->key.emplace(std::move(start.payload_key));
            job->fd = std::move(fd);
            job->result = {201, "", file};
        },
        [this, job, done = std::move(done)](std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    log::Error("creating a file failed: {}", e.what());
                }
                done({500, "the file could not be created", std::nullopt});
                return;
            }
            if (job->result.file && !job->result.file->complete) {
                auto session = std::make_shared<UploadSession>(
                    loop_, *index_, blobs_, *job->result.file, std::move(*job->key),
                    std::move(job->fd), std::make_unique<FileHashes>());
                session->on_complete = on_file_complete;
                sessions_[job->result.file->id] = std::move(session);
            } else if (job->result.file && on_file_complete) {
                on_file_complete(*job->result.file);
            }
            done(std::move(job->result));
        });
}

void Storage::WithSession(const FileRecord& file, SessionCallback done) {
    if (const auto it = sessions_.find(file.id); it != sessions_.end()) {
        if (!it->second->stale()) {
            done(it->second, 200, "");
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
        int status = 200;
        std::string detail;
    };
    auto job = std::make_shared<Job>();
    job->file = file;
    const BlobStore* blobs = &blobs_;
    Index* index = index_.get();
    const crypto::ServerKey* server_key = server_key_.get();
    uv::QueueWork(
        loop_,
        [job, blobs, index, server_key] {
            const auto t = index->GetTransfer(job->file.transfer_id);
            if (!t || t->status != TransferStatus::open || t->w_up.empty()) {
                job->status = 409;
                job->detail = "the transfer is no longer open for uploads";
                return;
            }
            // The index is the authority on the durable offset; the record the
            // request looked up may be older than the last session's commit.
            if (auto current = index->GetFile(job->file.id))
                job->file = std::move(*current);
            if (job->file.complete) {
                job->status = 409;
                job->detail = "the file is already complete";
                return;
            }
            const auto keys = crypto::TransferKeys::OpenWithServerKey(*server_key, t->id, t->w_up);
            if (!keys)
                throw std::runtime_error("the upload key cannot be opened");
            job->part = LoadPart(*blobs, *index, job->file, keys->Identity(), RecipientOf(*t));
        },
        [this, job](std::exception_ptr error) {
            const std::string id = job->file.id;
            auto waiters = std::move(loading_[id]);
            loading_.erase(id);
            std::shared_ptr<UploadSession> session;
            int status = 200;
            std::string detail;
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    log::Error("resuming the upload of file {} failed: {}", id, e.what());
                }
                status = 500;
                detail = "the upload cannot be resumed";
            } else if (job->status != 200) {
                status = job->status;
                detail = job->detail;
            } else {
                auto& slot = sessions_[id];
                if (!slot || slot->stale()) {
                    slot = std::make_shared<UploadSession>(
                        loop_, *index_, blobs_, job->file, std::move(*job->part.key),
                        std::move(job->part.fd), std::move(job->part.hashes));
                    slot->on_complete = on_file_complete;
                }
                session = slot;
            }
            for (auto& waiter : waiters)
                waiter(session, status, detail);
        });
}

void Storage::TerminateFile(const FileRecord& file, std::function<void(int)> done) {
    sessions_.erase(file.id);
    const BlobStore* blobs = &blobs_;
    Index* index = index_.get();
    uv::QueueWork(
        loop_,
        [file, blobs, index] {
            index->RemoveFile(file);
            blobs->Remove(file.id);
        },
        [done = std::move(done)](std::exception_ptr error) { done(error ? 500 : 204); });
}

// --- downloads ---------------------------------------------------------------

void Storage::RunKdf(std::function<void()> job, std::function<void()> finished) {
    if (kdf_running_ >= options_.max_parallel_kdf) {
        kdf_queue_.emplace_back(std::move(job), std::move(finished));
        return;
    }
    ++kdf_running_;
    uv::QueueWork(loop_, std::move(job),
                  [this, finished = std::move(finished)](std::exception_ptr) {
                      ReleaseKdf();
                      finished();
                  });
}

void Storage::ReleaseKdf() {
    --kdf_running_;
    if (kdf_queue_.empty())
        return;
    auto [job, finished] = std::move(kdf_queue_.front());
    kdf_queue_.pop_front();
    RunKdf(std::move(job), std::move(finished));
}

void Storage::UnlockWithPassword(const TransferRecord& transfer, std::string password,
                                 std::function<void(Identity)> done) {
    auto result = std::make_shared<Identity>();
    RunKdf(
        [result, id = transfer.id, w_pw = transfer.w_pw, password = std::move(password)] {
            const auto params = crypto::PasswordKek::ReadParams(w_pw);
            if (!params)
                return;
            const auto kek = crypto::PasswordKek::Derive(password, *params);
            if (auto keys = crypto::TransferKeys::OpenWithPassword(kek, id, w_pw))
                *result = std::make_shared<const age::AgeIdentity>(keys->Identity().Clone());
        },
        [result, done = std::move(done)] { done(*result); });
}

void Storage::AttemptPassword(const TransferRecord& transfer, std::string password,
                              std::function<void(AttemptResult)> done) {
    if (transfer.locked_until > Now()) {
        done({Index::AttemptOutcome::locked, nullptr, transfer});
        return;
    }
    UnlockWithPassword(
        transfer, std::move(password),
        [this, id = transfer.id, done = std::move(done)](Identity identity) mutable {
            auto result = std::make_shared<AttemptResult>();
            result->identity = std::move(identity);
            const bool success = result->identity != nullptr;
            Index* index = index_.get();
            const Index::AttemptPolicy policy = options_.attempts;
            uv::QueueWork(
                loop_,
                [result, index, id, success, policy] {
                    result->outcome =
                        index->RecordAttempt(id, success, Now(), policy, result->transfer);
                },
                [this, result, id, done = std::move(done)](std::exception_ptr error) {
                    if (error) {
                        result->identity = nullptr;
                        result->outcome = Index::AttemptOutcome::failed;
                    }
                    if (result->outcome != Index::AttemptOutcome::unlocked)
                        result->identity = nullptr;
                    if (result->outcome != Index::AttemptOutcome::delete_now) {
                        done(std::move(*result));
                        return;
                    }
                    log::Warn("transfer {} deleted after too many wrong passwords", id);
                    DeleteTransfer(id, TransferStatus::deleted,
                                   [result, done]() mutable { done(std::move(*result)); });
                });
        });
}

std::optional<std::pair<std::string, std::string>>
Storage::FileMetadata(const FileRecord& file, const age::AgeIdentity& identity) {
    auto name = crypto::SealedMetadata::Open(
        identity, crypto::WrapContext(crypto::purpose::kFileName, {file.transfer_id, file.id}),
        file.sealed_name);
    auto type = crypto::SealedMetadata::Open(
        identity, crypto::WrapContext(crypto::purpose::kContentType, {file.transfer_id, file.id}),
        file.sealed_type);
    if (!name || !type)
        return std::nullopt;
    return std::make_pair(std::move(*name), std::move(*type));
}

// --- deletion and expiry ------------------------------------------------------

void Storage::DeleteTransferNow(const std::string& transfer_id, TransferStatus status) {
    auto t = index_->GetTransfer(transfer_id);
    if (!t)
        return;
    // Crypto-shredding: the wraps go first, so even a blob that survives on
    // disk can no longer be opened.
    std::fill(t->w_up.begin(), t->w_up.end(), 0);
    std::fill(t->w_pw.begin(), t->w_pw.end(), 0);
    t->w_up.clear();
    t->w_pw.clear();
    t->status = status;
    std::vector<std::string> ids = t->file_ids;
    if (!t->message_file_id.empty())
        ids.push_back(t->message_file_id);
    index_->PutTransfer(*t);
    for (const auto& id : ids) {
        if (IsValidId(id))
            blobs_.Remove(id);
        index_->DeleteFile(id);
    }
}

void Storage::DeleteTransfer(const std::string& transfer_id, TransferStatus status,
                             std::function<void()> done) {
    if (const auto t = index_->GetTransfer(transfer_id))
        for (const auto& id : t->file_ids)
            sessions_.erase(id);
    uv::QueueWork(
        loop_, [this, transfer_id, status] { DeleteTransferNow(transfer_id, status); },
        [transfer_id, done = std::move(done)](std::exception_ptr error) {
            if (error)
                log::Error("deleting transfer {} failed", transfer_id);
            if (done)
                done();
        });
}

void Storage::Start() {
    const std::int64_t now = Now();
    for (const auto& entry : index_->DueExpiries(now)) {
        if (entry.is_upload) {
            if (const auto f = index_->GetFile(entry.id)) {
                index_->RemoveFile(*f);
                blobs_.Remove(f->id);
            }
        } else {
            log::Info("transfer {} expired while the service was down", entry.id);
            if (on_expired)
                if (const auto t = index_->GetTransfer(entry.id))
                    on_expired(*t);
            DeleteTransferNow(entry.id, TransferStatus::expired);
        }
    }
    // Orphan sweep: blob files the index does not know, and stale temp files.
    std::set<std::string> known_complete, known_partial;
    index_->ForEachFile(
        [&](const FileRecord& f) { (f.complete ? known_complete : known_partial).insert(f.id); });
    for (const auto& id : blobs_.ListIds()) {
        const bool complete = known_complete.count(id) > 0;
        const bool partial = known_partial.count(id) > 0;
        if (!complete && !partial) {
            blobs_.Remove(id);
            continue;
        }
        if (complete)
            ::unlink(blobs_.PartPath(id).c_str());
        ::unlink(blobs_.RekeyPath(id).c_str()); // an interrupted re-key
    }
    ArmExpiry();
}

void Storage::Stop() {
    expiry_timer_.reset();
}

void Storage::ArmExpiry() {
    if (!expiry_timer_)
        expiry_timer_ = std::make_unique<uv::Timer>(loop_, [this] { OnExpiry(); });
    const auto next = index_->EarliestExpiry();
    if (!next) {
        expiry_timer_->Stop();
        return;
    }
    const std::int64_t wait = std::max<std::int64_t>(0, next->time - Now());
    // Re-armed at least hourly so a changed clock is noticed.
    expiry_timer_->Start(static_cast<std::uint64_t>(std::min<std::int64_t>(wait, 3600)) * 1000 +
                         10);
    expiry_timer_->Unref();
}

void Storage::OnExpiry() {
    const auto due = index_->DueExpiries(Now());
    auto remaining = std::make_shared<std::size_t>(due.size());
    if (due.empty()) {
        ArmExpiry();
        return;
    }
    auto one_done = [this, remaining] {
        if (--*remaining == 0)
            ArmExpiry();
    };
    for (const auto& entry : due) {
        if (entry.is_upload) {
            if (const auto f = index_->GetFile(entry.id)) {
                log::Info("removing abandoned upload {}", f->id);
                TerminateFile(*f, [one_done](int) { one_done(); });
            } else {
                one_done();
            }
        } else {
            log::Info("transfer {} expired", entry.id);
            if (on_expired)
                if (const auto t = index_->GetTransfer(entry.id))
                    on_expired(*t);
            DeleteTransfer(entry.id, TransferStatus::expired, one_done);
        }
    }
}

} // namespace sealpost::store
