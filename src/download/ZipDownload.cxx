#include "download/ZipDownload.hxx"
#include "download/ContentDisposition.hxx"
#include "download/OpenedFiles.hxx"
#include "http/Exchange.hxx"
#include "http/Metrics.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/BlobSource.hxx"
#include "zip/Crc32.hxx"
#include "zip/UniqueNameSet.hxx"
#include "zip/ZipLayout.hxx"
#include "zip/ZipRangeCursor.hxx"

namespace sealpost::download {
namespace {

constexpr std::uint64_t kPiece = 256 * 1024;

struct ZipState {
    std::unique_ptr<ZipLayout> layout;
    std::vector<std::shared_ptr<store::OpenBlobFile>> blobs; ///< per entry
    std::unique_ptr<ZipRangeCursor> cursor;
    std::optional<ZipContent> content; ///< rest of the entry being sent
    http::ResponseSink* sink = nullptr;
};

class ZipSource final : public http::ResponseSource {
public:
    ZipSource(uv_loop_s* loop, std::shared_ptr<ZipState> state)
        : loop_(loop), state_(std::move(state)) {}
    ~ZipSource() override { state_->sink = nullptr; }
    void Cancel() noexcept override { state_->sink = nullptr; }

    void Pull(http::ResponseSink& sink) noexcept override {
        state_->sink = &sink;
        auto& state = *state_;
        if (!state.content) {
            auto piece = state.cursor->Next();
            if (!piece) {
                sink.Push({}, true);
                return;
            }
            if (auto* literal = std::get_if<ZipLiteral>(&piece->data)) {
                sink.Push(std::string(literal->bytes.begin(), literal->bytes.end()),
                          state.cursor->Remaining() == 0);
                return;
            }
            state.content = std::get<ZipContent>(piece->data);
        }
        ZipContent& c = *state.content;
        const std::uint64_t n = std::min(c.length, kPiece);
        // Not zero-filled: the job writes every byte.
        auto buffer = std::make_shared<stream::Bytes>(
            stream::Bytes::ForOverwrite(static_cast<std::size_t>(n)));
        auto blob = state.blobs[c.entry];
        const std::uint64_t offset = c.offset;
        c.offset += n;
        c.length -= n;
        if (c.length == 0)
            state.content.reset();
        auto shared = state_;
        uv::QueueWork(
            loop_, [blob, buffer, offset] { store::ReadPlain(*blob, offset, buffer->span()); },
            [shared, buffer](std::exception_ptr error) {
                http::ResponseSink* out = shared->sink;
                if (!out)
                    return;
                if (error) {
                    log::Write(log::Level::error, "zip_download_stopped");
                    out->Fail();
                    return;
                }
                out->Push(std::move(*buffer), !shared->content && shared->cursor->Remaining() == 0);
            });
    }

private:
    uv_loop_s* loop_;
    std::shared_ptr<ZipState> state_;
};

} // namespace

void SendZip(store::Storage& storage, http::Metrics& metrics, http::Exchange& ex,
             const store::TransferRecord& transfer, store::Identity identity) {
    std::optional<store::FileRecord> message;
    if (!transfer.message_file_id.empty())
        message = storage.index().GetFile(transfer.message_file_id);

    UniqueNameSet names;
    if (message)
        names.Reserve("message.txt");
    std::vector<store::FileRecord> files;
    std::vector<ZipEntry> entries;
    for (auto& f : CompleteFiles(storage, transfer, *identity)) {
        entries.push_back({names.Add(f.name), f.record.size, f.crc32, f.record.created_at});
        files.push_back(std::move(f.record));
    }
    if (message) {
        files.push_back(*message);
        // The message keeps no digest at rest; it is small (a JSON field of
        // the create request) and read here for its CRC-32.
        std::string text(message->size, '\0');
        try {
            const auto blob = store::OpenBlobNow(storage.blobs(), *message, *identity);
            store::ReadPlain(*blob, 0,
                             std::span(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
        } catch (const std::exception& e) {
            log::Write(log::Level::error, "message_read_failed",
                       {{"transfer_id", transfer.id}, {"error", e.what()}});
            ex.Respond(http::Response::Problem(500, "the message cannot be read"));
            return;
        }
        entries.push_back({"message.txt", message->size, Crc32::Of(text), message->created_at});
    }
    auto state = std::make_shared<ZipState>();
    state->layout = std::make_unique<ZipLayout>(std::move(entries));
    state->cursor = std::make_unique<ZipRangeCursor>(*state->layout);

    const http::ExchangeRef ref = ex.Ref();
    const store::BlobStore* blobs = &storage.blobs();
    uv::QueueWork(
        ex.loop(),
        [state, files, blobs, identity] {
            for (const auto& f : files)
                state->blobs.push_back(store::OpenBlobNow(*blobs, f, *identity));
        },
        [ref, state, &metrics](std::exception_ptr error) {
            http::Exchange* e = ref.get();
            if (!e)
                return;
            if (error) {
                e->Respond(http::Response::Problem(500, "the files cannot be read"));
                return;
            }
            http::Response head;
            head.headers.Add("Content-Type", "application/zip");
            head.headers.Add("Content-Disposition", ContentDisposition(false, "transfer.zip"));
            const std::uint64_t size = state->layout->TotalSize();
            e->RespondStream(std::move(head), size, std::make_unique<ZipSource>(e->loop(), state));
        });
}

} // namespace sealpost::download
