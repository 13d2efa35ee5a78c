#include "store/BlobSource.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "age/Error.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/BlobStore.hxx"
#include "store/FileIo.hxx"
#include "store/Records.hxx"
#include "store/ThreadScratch.hxx"

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace sealpost::store {
std::shared_ptr<OpenBlobFile> OpenBlobNow(const BlobStore& blobs, const FileRecord& file,
                                          const age::AgeIdentity& identity) {
    UniqueFd fd = blobs.OpenBlob(file.id);
    std::vector<std::uint8_t> head(file.chunks_offset);
    if (ReadAt(fd.get(), head, 0) != head.size())
        throw std::runtime_error("blob header truncated");
    age::OpenedBlob opened;
    const auto rc = age::OpenBlobStart(head, identity, opened);
    if (rc != age::AgeErrc::ok || !opened.payload_key)
        throw std::runtime_error(std::string("blob header rejected: ") + age::Describe(rc));
    const std::uint64_t size = FileSize(fd.get());
    const auto layout = age::BlobLayout::FromBlobSize(opened.chunks_offset, size);
    if (!layout || layout->PlainSize() != file.size)
        throw std::runtime_error("blob size does not match the index");
    return std::make_shared<OpenBlobFile>(
        OpenBlobFile{std::move(fd), std::move(*opened.payload_key), *layout});
}

void OpenBlob(uv_loop_s* loop, const BlobStore& blobs, const FileRecord& file,
              std::shared_ptr<const age::AgeIdentity> identity, OpenBlobCallback done) {
    auto result = std::make_shared<std::shared_ptr<OpenBlobFile>>();
    const BlobStore* store = &blobs;
    uv::QueueWork(
        loop, [store, file, identity, result] { *result = OpenBlobNow(*store, file, *identity); },
        [result, done = std::move(done)](std::exception_ptr error) {
            if (!error) {
                done(std::move(*result), "");
                return;
            }
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                done(nullptr, e.what());
            }
        });
}

namespace {

/// This thread's buffer for one sealed chunk that cannot be read in place.
struct SealedReadTag;
std::span<std::uint8_t> SealedScratch() {
    return ThreadScratch<SealedReadTag>(age::kSealedChunkSize);
}

} // namespace

void ReadPlain(const OpenBlobFile& blob, std::uint64_t offset, std::span<std::uint8_t> out) {
    const auto& layout = blob.layout;
    if (out.empty())
        return;
    const std::uint64_t end = offset + out.size();
    if (end > layout.PlainSize() || end < offset)
        throw std::runtime_error("read beyond the end of the blob");
    // Chunk by chunk, each read with one pread and decrypted while it is
    // still in the CPU's cache. A whole chunk is read straight to where its
    // plaintext goes and decrypted in place: its 16-byte tag lands on the
    // start of the next chunk's place, which is read afterwards. The last
    // whole chunk of `out` (its tag has no room there) and a partial first or
    // last chunk go through a one-chunk scratch buffer.
    std::uint64_t index = offset / age::kChunkSize;
    const std::uint64_t last_index = (end - 1) / age::kChunkSize;
    std::uint8_t* dest = out.data();
    for (; index <= last_index; ++index) {
        const std::size_t plain_size = layout.ChunkPlainSize(index);
        const std::size_t sealed_size = plain_size + age::kChunkTagSize;
        const std::uint64_t chunk_start = index * age::kChunkSize;
        const std::uint64_t from = std::max(offset, chunk_start);
        const std::uint64_t to = std::min(end, chunk_start + plain_size);
        const bool whole = from == chunk_start && to == chunk_start + plain_size;
        const bool in_place =
            whole && static_cast<std::size_t>(dest - out.data()) + sealed_size <= out.size();
        const std::span<std::uint8_t> sealed =
            in_place ? std::span(dest, sealed_size) : SealedScratch().first(sealed_size);
        if (ReadAt(blob.fd.get(), sealed, layout.ChunkOffset(index)) != sealed_size)
            throw std::runtime_error("blob truncated");
        age::AgeErrc rc;
        if (whole) {
            rc = age::OpenChunk(blob.key, index, layout.IsLast(index), sealed,
                                std::span(dest, plain_size));
        } else {
            // Decrypt in place inside the scratch chunk, then copy the slice.
            rc = age::OpenChunk(blob.key, index, layout.IsLast(index), sealed,
                                sealed.first(plain_size));
            if (rc == age::AgeErrc::ok)
                std::copy_n(sealed.data() + (from - chunk_start), to - from, dest);
        }
        if (rc != age::AgeErrc::ok)
            throw std::runtime_error(std::string("blob chunk rejected: ") + age::Describe(rc));
        dest += to - from;
    }
}

namespace {

// A download keeps up to kPrefetch batches of kBatchBytes of plaintext
// decrypting on the threadpool ahead of the connection, so several cores
// decrypt one response and the next piece is usually ready when the HTTP
// core asks for it. Memory per download: kPrefetch * kBatchBytes plus one
// sealed batch per busy worker thread.
constexpr std::size_t kBatchBytes = 8 * age::kChunkSize; // 512 KiB
constexpr std::size_t kPrefetch = 3;

class BlobSource final : public stream::ResponseSource {
public:
    BlobSource(uv_loop_s* loop, std::shared_ptr<OpenBlobFile> blob, std::uint64_t first,
               std::uint64_t length)
        : state_(std::make_shared<State>()) {
        state_->loop = loop;
        state_->blob = std::move(blob);
        state_->next_read = first;
        state_->end = first + length;
    }
    ~BlobSource() override { Cancel(); }

    void Pull(stream::ResponseSink& sink) noexcept override {
        // A local reference: Push may end the response and destroy this source.
        const std::shared_ptr<State> state = state_;
        state->sink = &sink;
        if (state->batches.empty() && state->next_read == state->end) {
            sink.Push({}, true); // an empty range
            return;
        }
        state->waiting = true;
        Deliver(state);
        if (!state->failed)
            Prefetch(state);
    }

    void Cancel() noexcept override {
        state_->sink = nullptr;
        state_->cancelled = true;
        state_->batches.clear();
    }

private:
    struct Batch {
        std::uint64_t offset = 0;
        stream::Bytes data;
        bool ready = false;
        std::exception_ptr error;
    };
    struct State {
        uv_loop_s* loop = nullptr;
        std::shared_ptr<OpenBlobFile> blob;
        std::uint64_t next_read = 0, end = 0;
        std::deque<std::shared_ptr<Batch>> batches; ///< in plaintext order
        stream::ResponseSink* sink = nullptr;
        bool waiting = false; ///< a Pull is owed its Push
        bool cancelled = false;
        bool failed = false;
    };

    /// Pushes the front batch if a Pull waits for it and it is decrypted.
    static void Deliver(const std::shared_ptr<State>& state) noexcept {
        if (!state->waiting || state->batches.empty() || !state->batches.front()->ready)
            return;
        auto batch = std::move(state->batches.front());
        state->batches.pop_front();
        stream::ResponseSink* out = state->sink;
        state->waiting = false;
        if (batch->error) {
            try {
                std::rethrow_exception(batch->error);
            } catch (const std::exception& e) {
                log::Write(log::Level::error, "download_failed", {{"error", e.what()}});
            } catch (...) {
            }
            state->failed = true;
            state->batches.clear();
            out->Fail();
            return;
        }
        const bool last = state->batches.empty() && state->next_read == state->end;
        out->Push(std::move(batch->data), last);
    }

    static void Prefetch(const std::shared_ptr<State>& state) noexcept {
        while (!state->cancelled && state->batches.size() < kPrefetch &&
               state->next_read < state->end) {
            // After the first batch every batch starts on a chunk boundary.
            const std::uint64_t offset = state->next_read;
            const std::uint64_t boundary = (offset / kBatchBytes + 1) * kBatchBytes;
            const std::uint64_t n = std::min(boundary, state->end) - offset;
            auto batch = std::make_shared<Batch>();
            batch->offset = offset;
            try {
                // Allocated here, from the event loop's heap, where the
                // connection frees it again (allocated on the workers, the
                // batches would be spread over their malloc arenas and the
                // peak RSS would grow); not zero-filled, since the worker
                // writes every byte.
                batch->data = stream::Bytes::ForOverwrite(static_cast<std::size_t>(n));
                state->batches.push_back(batch);
                state->next_read += n;
                uv::QueueWork(
                    state->loop,
                    [blob = state->blob, batch] {
                        ReadPlain(*blob, batch->offset, batch->data.span());
                    },
                    [state, batch](std::exception_ptr error) {
                        batch->ready = true;
                        batch->error = error;
                        if (state->cancelled || state->failed)
                            return;
                        Deliver(state);
                        if (!state->failed)
                            Prefetch(state);
                    });
            } catch (...) {
                if (!state->batches.empty() && state->batches.back() == batch)
                    state->batches.pop_back();
                if (state->waiting && state->batches.empty() && state->sink) {
                    state->failed = true;
                    state->waiting = false;
                    state->sink->Fail();
                }
                return;
            }
        }
    }

    std::shared_ptr<State> state_;
};

} // namespace

std::unique_ptr<stream::ResponseSource> MakeBlobSource(uv_loop_s* loop,
                                                       std::shared_ptr<OpenBlobFile> blob,
                                                       std::uint64_t first, std::uint64_t length) {
    return std::make_unique<BlobSource>(loop, std::move(blob), first, length);
}

} // namespace sealpost::store
