#include "store/BlobSource.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "age/Error.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/BlobStore.hxx"
#include "store/Records.hxx"

#include <algorithm>
#include <stdexcept>

namespace sealpost::store {
namespace {

constexpr std::size_t kReadAhead = 4; // chunks per Pull (256 KiB)

} // namespace

std::shared_ptr<OpenBlobFile> OpenBlobNow(const BlobStore& blobs, const FileRecord& file,
                                          const age::AgeIdentity& identity) {
    UniqueFd fd = blobs.OpenBlob(file.id);
    std::vector<std::uint8_t> head(file.chunks_offset);
    if (BlobStore::ReadAt(fd.get(), head, 0) != head.size())
        throw std::runtime_error("blob header truncated");
    age::OpenedBlob opened;
    const auto rc = age::OpenBlobStart(head, identity, opened);
    if (rc != age::AgeErrc::ok || !opened.payload_key)
        throw std::runtime_error(std::string("blob header rejected: ") + age::Describe(rc));
    const std::uint64_t size = BlobStore::FileSize(fd.get());
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

void ReadPlain(const OpenBlobFile& blob, std::uint64_t offset, std::span<std::uint8_t> out) {
    const auto& layout = blob.layout;
    std::vector<std::uint8_t> sealed(age::kSealedChunkSize), plain(age::kChunkSize);
    while (!out.empty()) {
        const auto pos = age::BlobLayout::Locate(offset);
        if (pos.index >= layout.ChunkCount())
            throw std::runtime_error("read beyond the end of the blob");
        const std::size_t sealed_size = layout.ChunkSealedSize(pos.index);
        if (BlobStore::ReadAt(blob.fd.get(), std::span(sealed).first(sealed_size),
                              layout.ChunkOffset(pos.index)) != sealed_size)
            throw std::runtime_error("blob truncated");
        const auto rc = age::OpenChunk(blob.key, pos.index, layout.IsLast(pos.index),
                                       std::span(sealed).first(sealed_size),
                                       std::span(plain).first(sealed_size - age::kChunkTagSize));
        if (rc != age::AgeErrc::ok)
            throw std::runtime_error(std::string("blob chunk rejected: ") + age::Describe(rc));
        const std::size_t available = sealed_size - age::kChunkTagSize - pos.offset;
        const std::size_t n = std::min(available, out.size());
        std::copy_n(plain.begin() + static_cast<std::ptrdiff_t>(pos.offset), n, out.begin());
        out = out.subspan(n);
        offset += n;
    }
}

namespace {

class BlobSource final : public http::ResponseSource {
public:
    BlobSource(uv_loop_s* loop, std::shared_ptr<OpenBlobFile> blob, std::uint64_t first,
               std::uint64_t length)
        : loop_(loop), state_(std::make_shared<State>()) {
        state_->blob = std::move(blob);
        state_->next = first;
        state_->end = first + length;
    }
    ~BlobSource() override { state_->sink = nullptr; }

    void Pull(http::ResponseSink& sink) noexcept override {
        state_->sink = &sink;
        const std::uint64_t n =
            std::min<std::uint64_t>(state_->end - state_->next, kReadAhead * age::kChunkSize);
        auto state = state_;
        auto buffer = std::make_shared<std::string>(n, '\0');
        const std::uint64_t offset = state->next;
        try {
            uv::QueueWork(
                loop_,
                [state, buffer, offset] {
                    ReadPlain(
                        *state->blob, offset,
                        std::span(reinterpret_cast<std::uint8_t*>(buffer->data()), buffer->size()));
                },
                [state, buffer, n](std::exception_ptr error) {
                    if (!state->sink)
                        return; // cancelled
                    http::ResponseSink* out = state->sink;
                    if (error) {
                        try {
                            std::rethrow_exception(error);
                        } catch (const std::exception& e) {
                            log::Error("download stopped: {}", e.what());
                        }
                        out->Fail();
                        return;
                    }
                    state->next += n;
                    out->Push(std::move(*buffer), state->next == state->end);
                });
        } catch (...) {
            sink.Fail();
        }
    }

    void Cancel() noexcept override { state_->sink = nullptr; }

private:
    struct State {
        std::shared_ptr<OpenBlobFile> blob;
        std::uint64_t next = 0, end = 0;
        http::ResponseSink* sink = nullptr;
    };
    uv_loop_s* loop_;
    std::shared_ptr<State> state_;
};

} // namespace

std::unique_ptr<http::ResponseSource> MakeBlobSource(uv_loop_s* loop,
                                                     std::shared_ptr<OpenBlobFile> blob,
                                                     std::uint64_t first, std::uint64_t length) {
    return std::make_unique<BlobSource>(loop, std::move(blob), first, length);
}

} // namespace sealpost::store
