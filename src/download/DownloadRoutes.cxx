#include "download/DownloadRoutes.hxx"
#include "download/ContentDisposition.hxx"
#include "download/ZipDownload.hxx"
#include "http/Exchange.hxx"
#include "http/Metrics.hxx"
#include "http/Range.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "store/BlobSource.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"

#include <nlohmann/json.hpp>

#include <ctime>

namespace sealpost::download {
namespace {

using http::Exchange;
using http::Response;
using store::TransferRecord;
using store::TransferStatus;

std::string Rfc3339(std::int64_t t) {
    const std::time_t time = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

/// The transfer behind a download id, or a response already sent.
std::optional<TransferRecord> FindTransfer(store::Storage& storage, Exchange& ex) {
    const std::string id(ex.request().Param("download_id"));
    if (!store::IsValidId(id)) {
        ex.Respond(Response::Problem(404, "no such download"));
        return std::nullopt;
    }
    const auto transfer_id = storage.index().TransferOfDownload(id);
    auto transfer = transfer_id ? storage.index().GetTransfer(*transfer_id) : std::nullopt;
    if (!transfer) {
        ex.Respond(Response::Problem(404, "no such download"));
        return std::nullopt;
    }
    if (transfer->status != TransferStatus::provided && transfer->status != TransferStatus::open) {
        ex.Respond(Response::Problem(410, "this transfer is no longer available"));
        return std::nullopt;
    }
    return transfer;
}

using Authorized = std::function<void(Exchange&, const TransferRecord&, store::Identity)>;

/// Opens the transfer key with X-Sealpost-Password, then calls `next`.
void WithAccess(store::Storage& storage, Exchange& ex, Authorized next) {
    auto transfer = FindTransfer(storage, ex);
    if (!transfer)
        return;
    const auto password = ex.request().headers.Get("x-sealpost-password");
    if (!password) {
        ex.Respond(Response::Problem(401, "a password is required", {{"password_required", true}}));
        return;
    }
    const http::ExchangeRef ref = ex.Ref();
    const auto& policy = storage.options().attempts;
    storage.AttemptPassword(
        *transfer, std::string(*password),
        [ref, policy, next = std::move(next)](store::Storage::AttemptResult result) {
            Exchange* e = ref.get();
            if (!e)
                return;
            using Outcome = store::Index::AttemptOutcome;
            const auto& t = result.transfer;
            switch (result.outcome) {
            case Outcome::unlocked:
                next(*e, t, std::move(result.identity));
                return;
            case Outcome::failed:
                e->Respond(Response::Problem(
                    401, "wrong password",
                    {{"attempts_left", policy.lock_after - t.consecutive_failures},
                     {"attempts_before_deletion", policy.delete_after - t.failed_attempts}}));
                return;
            case Outcome::locked:
                e->Respond(Response::Problem(
                    423, "too many wrong passwords: this transfer is locked",
                    {{"locked_until", Rfc3339(t.locked_until)},
                     {"attempts_before_deletion",
                      policy.delete_after - std::min(policy.delete_after, t.failed_attempts)}}));
                return;
            case Outcome::delete_now:
            case Outcome::gone:
                e->Respond(Response::Problem(410, "this transfer is no longer available"));
                return;
            }
        });
}

std::optional<store::FileRecord> FileOf(store::Storage& storage, const TransferRecord& t,
                                        std::string_view file_id) {
    if (!store::IsValidId(file_id))
        return std::nullopt;
    for (const auto& id : t.file_ids)
        if (id == file_id) {
            auto file = storage.index().GetFile(id);
            if (file && file->complete)
                return file;
        }
    return std::nullopt;
}

void SendFile(store::Storage& storage, http::Metrics& metrics, Exchange& ex,
              const TransferRecord& t, store::Identity identity) {
    const auto file = FileOf(storage, t, ex.request().Param("file_id"));
    if (!file) {
        ex.Respond(Response::Problem(404, "no such file"));
        return;
    }
    const auto meta = storage.FileMetadata(*file, *identity);
    if (!meta) {
        ex.Respond(Response::Problem(500, "the file's metadata cannot be opened"));
        return;
    }
    const std::string etag = "\"" + file->sha256 + "\"";
    if (const auto inm = ex.request().headers.Get("if-none-match"); inm && *inm == etag) {
        Response r = Response::Empty(304);
        r.headers.Add("ETag", etag);
        ex.Respond(std::move(r));
        return;
    }
    http::ByteRange range{0, file->size ? file->size - 1 : 0};
    int status = 200;
    if (const auto header = ex.request().headers.Get("range")) {
        const auto if_range = ex.request().headers.Get("if-range");
        if (!if_range || *if_range == etag) {
            switch (http::ParseRange(*header, file->size, range)) {
            case http::RangeResult::satisfiable:
                status = 206;
                break;
            case http::RangeResult::unsatisfiable: {
                Response r = Response::Problem(416, "range not satisfiable");
                r.headers.Add("Content-Range", "bytes */" + std::to_string(file->size));
                ex.Respond(std::move(r));
                return;
            }
            case http::RangeResult::none:
                range = {0, file->size ? file->size - 1 : 0};
                break;
            }
        }
    }
    const bool inline_view = ex.request().QueryParam("inline") == "1";
    Response head;
    head.status = status;
    head.headers.Add("Content-Type", inline_view && !meta->second.empty()
                                         ? meta->second
                                         : std::string("application/octet-stream"));
    head.headers.Add("Content-Disposition", ContentDisposition(inline_view, meta->first));
    head.headers.Add("Accept-Ranges", "bytes");
    head.headers.Add("ETag", etag);
    head.headers.Add("Content-Security-Policy", "default-src 'none'; sandbox");
    const std::uint64_t length = file->size ? range.Length() : 0;
    if (status == 206)
        head.headers.Add("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                              std::to_string(range.last) + "/" +
                                              std::to_string(file->size));
    if (length == 0 || ex.request().method == "HEAD") {
        ex.RespondStream(std::move(head), length, nullptr);
        return;
    }
    const http::ExchangeRef ref = ex.Ref();
    store::OpenBlob(ex.loop(), storage.blobs(), *file, identity,
                    [ref, &metrics, head = std::move(head), range,
                     length](std::shared_ptr<store::OpenBlobFile> blob, std::string error) mutable {
                        Exchange* e = ref.get();
                        if (!e)
                            return;
                        if (!blob) {
                            e->Respond(Response::Problem(500, "the file cannot be read: " + error));
                            return;
                        }
                        e->RespondStream(
                            std::move(head), length,
                            http::CountInFlight(store::MakeBlobSource(e->loop(), std::move(blob),
                                                                      range.first, length),
                                                metrics.downloads_in_flight));
                    });
}

} // namespace

void AddDownloadRoutes(http::Router& router, store::Storage& storage, http::Metrics& metrics) {
    const std::string base = "/api/v1/downloads/{download_id}";
    router.Add("GET", base, [&storage](Exchange& ex) {
        const auto t = FindTransfer(storage, ex);
        if (!t)
            return;
        ex.Respond(Response::Json(
            200, {{"sender",
                   {{"email", t->sender},
                    {"name", t->options.value("sender_name", "")},
                    {"phone", t->options.value("sender_phone", "")}}},
                  {"expires_at", Rfc3339(t->expires_at)},
                  {"password_required", true},
                  {"locked_until", t->locked_until ? nlohmann::json(Rfc3339(t->locked_until))
                                                   : nlohmann::json(nullptr)}}));
    });
    router.Add("GET", base + "/files/{file_id}", [&storage, &metrics](Exchange& ex) {
        WithAccess(storage, ex,
                   [&storage, &metrics](Exchange& e, const TransferRecord& t, store::Identity id) {
                       SendFile(storage, metrics, e, t, std::move(id));
                   });
    });
    router.Add("GET", base + "/checksums", [&storage](Exchange& ex) {
        WithAccess(storage, ex,
                   [&storage](Exchange& e, const TransferRecord& t, store::Identity id) {
                       std::string text;
                       for (const auto& file_id : t.file_ids) {
                           const auto file = storage.index().GetFile(file_id);
                           if (!file || !file->complete)
                               continue;
                           const auto meta = storage.FileMetadata(*file, *id);
                           text += file->sha256 + "  " + (meta ? meta->first : file->id) + "\n";
                       }
                       e.Respond(Response::Text(200, std::move(text)));
                   });
    });
    router.Add("GET", base + "/message", [&storage](Exchange& ex) {
        WithAccess(
            storage, ex, [&storage](Exchange& e, const TransferRecord& t, store::Identity id) {
                const auto file = t.message_file_id.empty()
                                      ? std::nullopt
                                      : storage.index().GetFile(t.message_file_id);
                if (!file) {
                    e.Respond(Response::Problem(404, "this transfer has no message"));
                    return;
                }
                // Read off the loop thread like every other blob.
                auto text = std::make_shared<std::string>(file->size, '\0');
                const store::BlobStore* blobs = &storage.blobs();
                const http::ExchangeRef ref = e.Ref();
                uv::QueueWork(
                    e.loop(),
                    [text, file = *file, blobs, id] {
                        const auto blob = store::OpenBlobNow(*blobs, file, *id);
                        store::ReadPlain(
                            *blob, 0,
                            std::span(reinterpret_cast<std::uint8_t*>(text->data()), text->size()));
                    },
                    [ref, text](std::exception_ptr error) {
                        Exchange* done = ref.get();
                        if (!done)
                            return;
                        if (error)
                            done->Respond(Response::Problem(500, "the message cannot be read"));
                        else
                            done->Respond(Response::Json(200, {{"message", *text}}));
                    });
            });
    });
    router.Add("GET", base + "/zip", [&storage, &metrics](Exchange& ex) {
        WithAccess(storage, ex,
                   [&storage, &metrics](Exchange& e, const TransferRecord& t, store::Identity id) {
                       SendZip(storage, metrics, e, t, std::move(id));
                   });
    });
}

} // namespace sealpost::download
