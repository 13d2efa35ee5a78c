// One open file upload: the pipeline socket → chunk buffer → encrypt → write.
//
// Body bytes are staged in segments of up to 16 chunks of 64 KiB, laid out
// in memory as their sealed form will lie in the blob (SealSegment: each
// chunk followed by room for its tag). The connection reads a plain
// Content-Length body straight into the segment (ReadBuffer()) and decrypts
// TLS records into it: no copy in between. A full segment goes to one
// threadpool job, which feeds its plaintext to SHA-256 and CRC-32 (the jobs of
// one upload take turns there, in file order), seals it in place (age STREAM)
// and writes it with pwrite at its fixed blob offset (its whole 4 KiB blocks
// with O_DIRECT, past the page cache; the partial blocks it shares with its
// neighbours through the page cache), so several segments of one upload are
// encrypted on several cores at once. Segment buffers come from the Storage's
// bounded SegmentPool; at most kMaxInFlight segments of one upload are in
// flight, and
// when either limit is reached the body consumer pauses the socket
// (backpressure; Room() tells the connection how much it may read), so memory
// stays constant whatever the file size and the number of uploads.
//
// Only whole chunks are kept until the file is complete: a PATCH that ends in
// the middle of a chunk keeps the bytes up to the last chunk boundary and
// reports that as the new offset. The offset recorded in the index (and shown
// as Upload-Offset) is advanced only after fdatasync: at the end of a request,
// and while it runs every 64 MiB, or (an upload slower than 8 MiB/s) every
// second once 1 MiB is waiting (MaybeSync), so that an upload cut by a crash
// resumes from there.
//
// Lives on the loop thread, shared with its in-flight jobs (shared_ptr); a job
// never touches session state except through its completion on the loop.
#pragma once

#include "age/AgeRecipient.hxx"
#include "age/BlobLayout.hxx"
#include "age/PayloadKey.hxx"
#include "lib/evp/Digest.hxx"
#include "store/Outcome.hxx"
#include "store/Records.hxx"
#include "store/SealSegment.hxx"
#include "store/SegmentPool.hxx"
#include "store/UniqueFd.hxx"
#include "store/UploadCommits.hxx"
#include "stream/Body.hxx"
#include "zip/Crc32.hxx"

#include <deque>
#include <functional>
#include <memory>
#include <optional>

struct uv_loop_s;

namespace sealpost::uv {
class Timer;
}

namespace sealpost::store {

class Index;
class BlobStore;

/// SHA-256 and CRC-32 of a file's plaintext prefix.
struct FileHashes {
    evp::Digest sha256{evp::DigestAlgorithm::sha256};
    Crc32 crc;
};

/// The tus checksum of one PATCH body.
struct BodyChecksum {
    evp::DigestAlgorithm algorithm;
    std::vector<std::uint8_t> expected;
};

struct UploadResult {
    Outcome outcome = Outcome::ok; ///< ok, checksum_mismatch, no_space, over_quota, gone, failed
    std::string detail;
    std::uint64_t offset = 0; ///< durable offset after the request
    bool complete = false;
    std::string sha256; ///< hex, once complete (told to the uploader, kept only sealed)
};

class UploadSession : public std::enable_shared_from_this<UploadSession> {
public:
    static constexpr std::size_t kSegmentChunks = SealSegment::kChunks;
    static constexpr std::size_t kMaxInFlight = 4;
    /// Plaintext per segment (1 MiB).
    static constexpr std::size_t kSegmentBytes = SealSegment::kPlainCapacity;
    /// The size of the pool's buffers: a segment with its tags and skew.
    static constexpr std::size_t kBufferBytes = SealSegment::kBufferSize;

    /// What a session needs from its Storage (which outlives it).
    struct Context {
        uv_loop_s* loop;
        Index& index;
        const BlobStore& blobs;
        std::int64_t upload_expiry_seconds;
        age::AgeRecipient recipient;            ///< pk_T, to seal the digests to
        std::shared_ptr<SegmentPool> pool;      ///< buffers of kBufferBytes
        std::shared_ptr<UploadCommits> commits; ///< the index records of finished requests
    };

    UploadSession(const Context& context, FileRecord record, age::PayloadKey key, UniqueFd fd,
                  std::unique_ptr<FileHashes> hashes);
    ~UploadSession();

    const FileRecord& record() const noexcept { return record_; }
    bool busy() const noexcept { return busy_; }
    /// After a dropped request (checksum mismatch) the hashes no longer match
    /// the stored prefix; after any request that wrote chunks past the durable
    /// offset those chunk indexes must not be sealed again under this key.
    /// Either way the session must be loaded again from the blob (which
    /// re-keys it).
    bool stale() const noexcept { return !busy_ && (!hashes_ || written_end_ > DurableChunks()); }

    /// For a body of unknown length (a chunked PUT): accept up to `limit`
    /// bytes; the size becomes whatever arrived when the body ends. The last
    /// full chunk is held back until more bytes show it is not the final one.
    void AllowOpenEnded(std::uint64_t limit);

    /// Called on the loop thread with the record once the file is complete
    /// and durable (before the request's `done`).
    std::function<void(const FileRecord&)> on_complete;

    using Done = std::function<void(const UploadResult&)>;
    /// Returns the consumer for one request body that continues the file at
    /// record().offset; `done` runs when the bytes are durable (or failed).
    /// The consumer pauses its producer by returning false; `resume` is
    /// called when the session wants more bytes again.
    std::unique_ptr<stream::BodyConsumer>
    BeginBody(std::function<void()> resume, std::optional<BodyChecksum> checksum, Done done);

private:
    class Consumer;
    struct Segment;
    struct HashTurn;
    friend class Consumer;

    bool Feed(std::span<const std::uint8_t> data);
    std::size_t Room();
    std::span<std::uint8_t> ReadBuffer() noexcept;
    std::shared_ptr<Segment> MakeSegment(SegmentPool::Buffer buffer, std::uint64_t first_chunk);
    /// A staging segment from the pool (overdrawn if `overdraw` and the pool
    /// is empty) whose first chunk is `first_chunk`; false if none.
    bool NewStaging(bool overdraw, std::uint64_t first_chunk);
    bool ReadyForMore();
    void WaitForBuffer();
    void CancelWait() noexcept;
    void TryResume();
    void EndOfBody();
    void AbortBody();
    void Submit(bool at_body_end);
    void OnSegmentDone();
    /// Advances the durable offset mid-request: kSyncEvery bytes written
    /// since the last time, or on a tick of a slow upload at least
    /// kSyncAtLeast.
    void MaybeSync(bool tick = false);
    void Finish();
    void Fail(Outcome outcome, std::string detail);
    std::uint64_t SubmittedChunks() const noexcept;
    std::uint64_t DurableChunks() const noexcept;

    Context context_;
    FileRecord record_;
    std::shared_ptr<const age::PayloadKey> key_;
    std::shared_ptr<UniqueFd> fd_;
    /// The blob opened with O_DIRECT for the segment writes, while a request
    /// runs (invalid where the file system refuses O_DIRECT).
    std::shared_ptr<UniqueFd> direct_;
    std::shared_ptr<FileHashes> hashes_;
    age::BlobLayout layout_;

    // Current request.
    bool busy_ = false;
    bool body_ended_ = false;
    bool body_aborted_ = false;
    bool syncing_ = false;
    bool failed_ = false;
    bool finished_ = false;
    bool open_ended_ = false;
    UploadResult failure_;
    std::function<void()> resume_;
    bool paused_ = false;
    Done done_;
    std::optional<BodyChecksum> checksum_;
    std::unique_ptr<evp::Digest> body_digest_;

    std::uint64_t received_ = 0; ///< plaintext offset of the next byte
    std::shared_ptr<Segment> staging_;
    std::deque<std::shared_ptr<Segment>> in_flight_;
    std::shared_ptr<HashTurn> hash_turn_; ///< of the current request
    bool waiting_ = false;                ///< in the pool's line for a staging buffer
    std::uint64_t wait_ticket_ = 0;
    std::uint64_t written_through_ = 0;    ///< chunks written and hashed, contiguous
    std::uint64_t synced_bytes_ = 0;       ///< plaintext bytes written since the last sync
    std::unique_ptr<uv::Timer> sync_tick_; ///< while a request runs (not with a checksum)
    std::uint64_t tick_received_ = 0;      ///< received_ at the last tick
    /// One past the highest chunk index ever submitted for sealing under key_
    /// (its bytes may be on disk whether or not the write completed).
    std::uint64_t written_end_ = 0;
};

} // namespace sealpost::store
