#include "store/UploadSession.hxx"
#include "age/Chunk.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/BlobStore.hxx"
#include "store/FileIo.hxx"
#include "store/Index.hxx"
#include "store/TransferRecipient.hxx"
#include "util/Hex.hxx"
#include "util/Time.hxx"

#include "lib/sodium/Compare.hxx"

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <system_error>

namespace sealpost::store {
namespace {

constexpr std::size_t kChunk = age::kChunkSize;
static_assert(UploadSession::kSegmentBytes == UploadSession::kSegmentChunks * kChunk);
static_assert(UploadSession::kBufferBytes >= SealSegment::kBufferSize);
// While a request runs its durable offset advances (fdatasync, then the
// offset committed to the index with the next group commit) as soon as this
// many bytes are written since the last time...
constexpr std::uint64_t kSyncEvery = 64u << 20;
// ...and, for a slow or stalled client (less than kSlowPerPeriod received
// during the last period, so that kSyncEvery would take many periods to
// come), on a tick of this period when at least kSyncAtLeast are waiting. A
// crash costs at most about one period of a slow upload, or kSyncEvery of a
// fast one (faster uploads are not slowed down by extra syncs); a request
// of less than kSyncAtLeast (a burst of small PATCHes) is made durable once,
// at its end.
constexpr std::uint64_t kSyncPeriodMs = 1000;
constexpr std::uint64_t kSyncAtLeast = 1u << 20;
constexpr std::uint64_t kSlowPerPeriod = kSyncEvery / 8;

Outcome OutcomeFor(std::exception_ptr error, std::string& detail) {
    try {
        std::rethrow_exception(error);
    } catch (const std::system_error& e) {
        detail = e.what();
        if (e.code() == std::errc::no_space_on_device)
            return Outcome::no_space;
    } catch (const std::exception& e) {
        detail = e.what();
    }
    return Outcome::failed;
}

} // namespace

/// The order in which one request's segments feed SHA-256 and CRC-32: the
/// segment whose first chunk is `next` (each job waits for its turn; the
/// jobs of one request are queued in order and uv::QueueWork starts jobs in
/// the order queued, never cancelling one, so the one it waits for has
/// already started; tests/uv/TestWorkPool.cxx holds the pool to that).
/// `broken` once a segment could not be hashed: the later ones give up
/// instead of waiting.
struct UploadSession::HashTurn {
    explicit HashTurn(std::uint64_t first) : next(first) {}
    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t next;
    bool broken = false;
};

struct UploadSession::Segment {
    Segment(SegmentPool::Buffer memory, std::uint64_t first, std::uint64_t blob_offset)
        : first_chunk(first), buffer(std::move(memory)), plain(buffer.bytes().span(), blob_offset) {
    }
    std::uint64_t first_chunk = 0;
    SegmentPool::Buffer buffer; ///< from the pool, kBufferBytes
    SealSegment plain;          ///< the plaintext in `buffer`, in its sealed layout
    std::size_t keep = 0; ///< bytes of `plain` that are stored (whole chunks, or the final tail)
    bool final = false;   ///< holds the file's last chunk
    bool done = false;    ///< hashed, sealed and written (or failed)
    std::exception_ptr error;

    std::uint64_t ChunkCount() const {
        if (keep == 0)
            return final ? 1 : 0; // an empty file is one empty final chunk
        return (keep + kChunk - 1) / kChunk;
    }
};

class UploadSession::Consumer final : public stream::BodyConsumer {
public:
    explicit Consumer(std::shared_ptr<UploadSession> session) : session_(std::move(session)) {}
    bool OnBodyData(std::span<const std::uint8_t> data) noexcept override {
        return session_->Feed(data);
    }
    std::size_t Room() noexcept override { return session_->Room(); }
    std::span<std::uint8_t> ReadBuffer() noexcept override { return session_->ReadBuffer(); }
    void OnBodyEnd() noexcept override { session_->EndOfBody(); }
    void OnBodyAbort() noexcept override { session_->AbortBody(); }

private:
    std::shared_ptr<UploadSession> session_;
};

UploadSession::UploadSession(const Context& context, FileRecord record, age::PayloadKey key,
                             UniqueFd fd, std::unique_ptr<FileHashes> hashes)
    : context_(context), record_(std::move(record)),
      key_(std::make_shared<age::PayloadKey>(std::move(key))),
      fd_(std::make_shared<UniqueFd>(std::move(fd))), direct_(std::make_shared<UniqueFd>()),
      hashes_(std::move(hashes)), layout_(record_.chunks_offset, record_.size),
      written_end_(record_.complete ? layout_.ChunkCount() : record_.offset / kChunk) {}

UploadSession::~UploadSession() {
    CancelWait();
}

std::unique_ptr<stream::BodyConsumer> UploadSession::BeginBody(std::function<void()> resume,
                                                               std::optional<BodyChecksum> checksum,
                                                               Done done) {
    busy_ = true;
    body_ended_ = body_aborted_ = failed_ = paused_ = finished_ = false;
    resume_ = std::move(resume);
    done_ = std::move(done);
    checksum_ = std::move(checksum);
    body_digest_ = checksum_ ? std::make_unique<evp::Digest>(checksum_->algorithm) : nullptr;
    if (!*direct_)
        direct_ = std::make_shared<UniqueFd>(OpenDirect(fd_->get()));
    received_ = record_.offset;
    written_through_ = record_.offset / kChunk;
    hash_turn_ = std::make_shared<HashTurn>(written_through_);
    synced_bytes_ = 0;
    if (!checksum_) {
        // The durable offset of a slow upload advances on this tick too. The
        // timer lives only while the request does, and never keeps the loop
        // alive on its own (the request's jobs and socket do).
        tick_received_ = received_;
        sync_tick_ = std::make_unique<uv::Timer>(context_.loop, [this] {
            const bool slow = received_ - tick_received_ < kSlowPerPeriod;
            tick_received_ = received_;
            if (slow && synced_bytes_ > 0)
                MaybeSync(true);
        });
        sync_tick_->Unref();
        sync_tick_->Start(kSyncPeriodMs, kSyncPeriodMs);
    }
    return std::make_unique<Consumer>(shared_from_this());
}

std::shared_ptr<UploadSession::Segment> UploadSession::MakeSegment(SegmentPool::Buffer buffer,
                                                                   std::uint64_t first_chunk) {
    return std::make_shared<Segment>(std::move(buffer), first_chunk,
                                     layout_.ChunkOffset(first_chunk));
}

bool UploadSession::NewStaging(bool overdraw, std::uint64_t first_chunk) {
    SegmentPool::Buffer buffer = context_.pool->TryAcquire();
    if (!buffer && overdraw)
        buffer = context_.pool->Overdraw();
    if (!buffer)
        return false;
    staging_ = MakeSegment(std::move(buffer), first_chunk);
    return true;
}

void UploadSession::WaitForBuffer() {
    if (waiting_)
        return;
    waiting_ = true;
    std::weak_ptr<UploadSession> weak = weak_from_this();
    wait_ticket_ = context_.pool->Wait([weak](SegmentPool::Buffer buffer) {
        auto self = weak.lock();
        if (!self || !self->waiting_)
            return; // the buffer goes back to the pool
        self->waiting_ = false;
        if (!self->busy_ || self->finished_ || self->failed_ || self->staging_)
            return;
        self->staging_ = self->MakeSegment(std::move(buffer), self->received_ / kChunk);
        self->TryResume();
    });
}

void UploadSession::CancelWait() noexcept {
    if (!waiting_)
        return;
    waiting_ = false;
    context_.pool->Cancel(wait_ticket_);
}

bool UploadSession::ReadyForMore() {
    if (failed_ || received_ >= record_.size)
        return true; // draining, or nothing more is taken
    if (in_flight_.size() >= kMaxInFlight)
        return false;
    if (staging_ || NewStaging(false, received_ / kChunk))
        return true;
    WaitForBuffer();
    return false;
}

void UploadSession::TryResume() {
    if (!paused_ || !ReadyForMore())
        return;
    paused_ = false;
    if (resume_)
        resume_();
}

std::size_t UploadSession::Room() {
    if (!busy_ || failed_ || received_ >= record_.size)
        return SIZE_MAX;
    if (!ReadyForMore()) {
        paused_ = true;
        return 0;
    }
    return staging_->plain.room();
}

std::span<std::uint8_t> UploadSession::ReadBuffer() noexcept {
    // The free rest of the staging segment's current chunk (which Room() just
    // made sure of), no further than the file goes: the socket reads into it
    // and Feed then finds the bytes in place.
    if (!busy_ || failed_ || !staging_ || received_ >= record_.size ||
        in_flight_.size() >= kMaxInFlight)
        return {};
    const std::span<std::uint8_t> spare = staging_->plain.Spare();
    return spare.first(
        static_cast<std::size_t>(std::min<std::uint64_t>(spare.size(), record_.size - received_)));
}

std::uint64_t UploadSession::DurableChunks() const noexcept {
    return record_.complete ? layout_.ChunkCount() : record_.offset / kChunk;
}

std::uint64_t UploadSession::SubmittedChunks() const noexcept {
    if (in_flight_.empty())
        return written_through_;
    const auto& last = in_flight_.back();
    return last->first_chunk + last->ChunkCount();
}

bool UploadSession::Feed(std::span<const std::uint8_t> data) {
    if (failed_)
        return true; // drain: the result is already decided
    if (body_digest_)
        body_digest_->Update(data);
    while (!data.empty()) {
        if (received_ >= record_.size)
            break; // the body limit keeps clients from sending more
        // The connection reads no more than Room(), so the pool is only
        // overdrawn when bytes arrive that were not asked for.
        if (!staging_)
            NewStaging(true, received_ / kChunk);
        SealSegment& plain = staging_->plain;
        const std::size_t take = static_cast<std::size_t>(
            std::min<std::uint64_t>({plain.room(), data.size(), record_.size - received_}));
        plain.Append(data.first(take)); // no copy if the socket read into place
        data = data.subspan(take);
        received_ += take;
        if (plain.full() || (!open_ended_ && received_ == record_.size))
            Submit(false);
        if (failed_)
            return true;
    }
    paused_ = !ReadyForMore();
    return !paused_;
}

void UploadSession::Submit(bool at_body_end) {
    std::shared_ptr<Segment> segment = std::move(staging_);
    staging_.reset();
    if (open_ended_ && at_body_end) {
        // Now the size is known.
        if (!segment) // an empty file: one empty final chunk
            segment = MakeSegment(context_.pool->Overdraw(), received_ / kChunk);
        record_.size = received_;
        layout_ = age::BlobLayout(record_.chunks_offset, record_.size);
    }
    if (!segment)
        return;
    if (open_ended_ && !at_body_end && segment->plain.full()) {
        // Hold the last chunk back: only more bytes tell it is not the final one.
        SealSegment& plain = segment->plain;
        const std::size_t last = plain.size() / kChunk - 1;
        NewStaging(true, segment->first_chunk + last);
        staging_->plain.Append(plain.Chunk(last));
        plain.Truncate(plain.size() - kChunk);
    }
    segment->final = open_ended_ ? at_body_end : received_ == record_.size;
    // A tail shorter than a chunk is only kept when it ends the file.
    segment->keep =
        segment->final ? segment->plain.size() : segment->plain.size() / kChunk * kChunk;
    (void)at_body_end;
    if (segment->keep == 0 && !segment->final)
        return;
    if (segment->first_chunk < written_end_) {
        // Never seal a chunk index twice under one payload key (a nonce would
        // repeat). Storage re-keys a blob before such a request can start, so
        // this is a broken invariant, not a client error.
        log::Write(log::Level::error, "upload_chunk_resealed",
                   {{"file", record_.id}, {"chunk", std::to_string(segment->first_chunk)}});
        Fail(Outcome::failed, "internal error");
        return;
    }
    in_flight_.push_back(segment);
    written_end_ = segment->first_chunk + segment->ChunkCount();

    // One job per segment: SHA-256 and CRC-32 of its plaintext (in file
    // order, HashTurn), then the segment is sealed where it lies and written
    // at its fixed blob offset. Segments of one upload seal on several cores
    // at once.
    auto self = shared_from_this();
    auto key = key_;
    auto fd = fd_;
    auto direct = direct_;
    auto hashes = hashes_;
    auto turn = hash_turn_;
    const std::uint64_t offset = layout_.ChunkOffset(segment->first_chunk);
    uv::QueueWork(
        context_.loop,
        [segment, key, fd, direct, hashes, turn, offset] {
            {
                std::unique_lock lock(turn->mutex);
                turn->changed.wait(
                    lock, [&] { return turn->next == segment->first_chunk || turn->broken; });
                if (turn->broken)
                    throw std::runtime_error("an earlier part of the upload failed");
            }
            bool hashed = false;
            try {
                segment->plain.ForEachPiece(segment->keep,
                                            [&](std::span<const std::uint8_t> bytes) {
                                                hashes->sha256.Update(bytes);
                                                hashes->crc.Update(bytes);
                                            });
                hashed = true;
            } catch (...) {
            }
            {
                std::lock_guard lock(turn->mutex);
                if (hashed)
                    turn->next = segment->first_chunk + segment->ChunkCount();
                else
                    turn->broken = true;
            }
            turn->changed.notify_all();
            if (!hashed)
                throw std::runtime_error("hashing the upload failed");
            const auto sealed =
                segment->plain.Seal(*key, segment->first_chunk, segment->keep, segment->final);
            // Whole blocks skip the page cache (no copy into it, nothing left
            // for the final fdatasync to write); without O_DIRECT, write-back
            // starts now.
            if (!WriteAtDirect(direct->get(), fd->get(), sealed, offset))
                StartWriteback(fd->get(), offset, sealed.size());
        },
        [self, segment](std::exception_ptr error) {
            segment->done = true;
            segment->error = error;
            self->OnSegmentDone();
        });
}

void UploadSession::OnSegmentDone() {
    while (!in_flight_.empty() && in_flight_.front()->done) {
        auto segment = in_flight_.front();
        in_flight_.pop_front();
        segment->buffer.Reset(); // to the next upload waiting for one
        if (segment->error && !failed_) {
            std::string detail;
            const Outcome outcome = OutcomeFor(segment->error, detail);
            Fail(outcome, detail);
        }
        if (!failed_) {
            written_through_ = segment->first_chunk + segment->ChunkCount();
            synced_bytes_ += segment->keep;
        }
    }
    TryResume();
    MaybeSync();
    if ((body_ended_ || body_aborted_) && in_flight_.empty() && !syncing_)
        Finish();
}

void UploadSession::MaybeSync(bool tick) {
    // With a checksum the whole request is kept or dropped, so nothing of it
    // becomes durable before the end; a body of unknown length that does not
    // end is not kept at all; once the body ended, Finish() makes it durable.
    if (syncing_ || failed_ || checksum_ || open_ended_ || body_ended_ || body_aborted_ ||
        synced_bytes_ < (tick ? kSyncAtLeast : kSyncEvery))
        return;
    syncing_ = true;
    synced_bytes_ = 0;
    FileRecord updated = record_;
    updated.offset = written_through_ * kChunk;
    auto self = shared_from_this();
    const std::int64_t deadline = UnixNow() + context_.upload_expiry_seconds;
    context_.commits->Enqueue(
        {updated, false, deadline}, fd_,
        [self, updated](Index::CommitResult commit, std::exception_ptr error) {
            self->syncing_ = false;
            if (error && !self->failed_) {
                // Not retried: a second fdatasync after a failed one may
                // report success for pages that never reached the disk.
                std::string detail;
                const Outcome outcome = OutcomeFor(error, detail);
                self->Fail(outcome, detail);
            } else if (commit != Index::CommitResult::stored && !self->failed_) {
                self->Fail(Outcome::gone, "the transfer is no longer open for uploads");
            } else if (!error && commit == Index::CommitResult::stored) {
                self->record_.offset = std::max(self->record_.offset, updated.offset);
            }
            if ((self->body_ended_ || self->body_aborted_) && self->in_flight_.empty())
                self->Finish();
        });
}

void UploadSession::AllowOpenEnded(std::uint64_t limit) {
    open_ended_ = true;
    record_.size = limit;
}

void UploadSession::EndOfBody() {
    body_ended_ = true;
    if (!failed_)
        Submit(true);
    if (in_flight_.empty() && !syncing_)
        Finish();
}

void UploadSession::AbortBody() {
    body_aborted_ = true;
    CancelWait();
    staging_.reset();
    if (in_flight_.empty() && !syncing_)
        Finish();
}

void UploadSession::Fail(Outcome outcome, std::string detail) {
    failed_ = true;
    failure_ = {outcome, std::move(detail), record_.offset, false, {}};
    CancelWait();
    staging_.reset();
}

void UploadSession::Finish() {
    if (finished_)
        return;
    finished_ = true;
    sync_tick_.reset();
    CancelWait(); // an idle session holds no segment buffer
    staging_.reset();
    direct_ = std::make_shared<UniqueFd>(); // nor a second descriptor (jobs hold theirs)
    auto done = std::move(done_);
    done_ = nullptr;
    if (failed_) {
        busy_ = false;
        failure_.offset = record_.offset;
        log::Write(log::Level::warn, "upload_failed",
                   {{"file", record_.id},
                    {"outcome", std::string(Describe(failure_.outcome))},
                    {"error", failure_.detail}});
        if (done)
            done(failure_);
        return;
    }
    if (checksum_ && body_ended_) {
        std::vector<std::uint8_t> actual = body_digest_->Finish();
        if (!sodium::ConstantTimeEqual(actual, checksum_->expected)) {
            // The bytes of this request are dropped: the offset stays, and the
            // hashes (which saw them) are rebuilt from the blob when the upload
            // continues.
            busy_ = false;
            hashes_.reset();
            if (done)
                done({Outcome::checksum_mismatch, "checksum mismatch", record_.offset, false, {}});
            return;
        }
    }
    if (body_aborted_ && open_ended_) {
        // A body of unknown length that never ended leaves nothing worth
        // keeping; the incomplete file expires with its upload.
        busy_ = false;
        return;
    }
    if (body_aborted_ && checksum_) {
        busy_ = false;
        hashes_.reset();
        return;
    }
    const bool complete = written_through_ == layout_.ChunkCount() && received_ == record_.size;
    FileRecord updated = record_;
    updated.offset = complete ? record_.size : written_through_ * kChunk;
    updated.complete = complete;
    std::string sha256;
    if (complete) {
        std::array<std::uint8_t, evp::kSha256Size> digest{};
        hashes_->sha256.Finish(digest);
        sha256 = HexEncode(digest);
        updated.sealed_digest = SealDigest(context_.recipient, updated.transfer_id, updated.id,
                                           sha256, hashes_->crc.Value());
        updated.upload_expires_at = 0;
    }
    auto self = shared_from_this();
    const std::int64_t deadline = UnixNow() + context_.upload_expiry_seconds;
    syncing_ = true;
    // The bytes are made durable, then the record is committed with the next
    // batch of UploadCommits (which also renames a complete blob into place).
    context_.commits->Enqueue(
        {updated, open_ended_, deadline}, fd_,
        [self, updated, done, sha256](Index::CommitResult commit, std::exception_ptr error) {
            self->syncing_ = false;
            self->busy_ = false;
            UploadResult result;
            if (!error && commit != Index::CommitResult::stored) {
                result.outcome =
                    commit == Index::CommitResult::over_quota ? Outcome::over_quota : Outcome::gone;
                result.detail = std::string(Describe(result.outcome));
                result.offset = self->record_.offset;
            } else if (error) {
                result.outcome = OutcomeFor(error, result.detail);
                result.offset = self->record_.offset;
            } else {
                result.sha256 = sha256;
                self->record_ = updated;
                result.offset = updated.offset;
                result.complete = updated.complete;
                if (updated.complete && self->on_complete)
                    self->on_complete(updated);
            }
            if (done)
                done(result);
        });
}

} // namespace sealpost::store
