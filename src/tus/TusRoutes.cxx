#include "tus/TusRoutes.hxx"
#include "http/Exchange.hxx"
#include "http/Metrics.hxx"
#include "http/Router.hxx"
#include "http/Status.hxx"
#include "store/Ids.hxx"
#include "store/Storage.hxx"
#include "tus/TusProtocol.hxx"

#include <nlohmann/json.hpp>

namespace sealpost::tus {
namespace {

using http::Exchange;
using http::Response;

Response TusResponse(int status) {
    Response r = Response::Empty(status);
    r.headers.Add("Tus-Resumable", std::string(kVersion));
    return r;
}

Response TusProblem(int status, std::string_view detail) {
    Response r = Response::Problem(status, detail);
    r.headers.Add("Tus-Resumable", std::string(kVersion));
    if (status == 412)
        r.headers.Add("Tus-Version", std::string(kVersion));
    return r;
}

/// Checks Tus-Resumable; answers 412 and returns false when it is wrong.
bool CheckResumable(Exchange& ex) {
    const auto version = ex.request().headers.Get("tus-resumable");
    if (version && *version == kVersion)
        return true;
    ex.Respond(TusProblem(412, "Tus-Resumable: 1.0.0 is required"));
    return false;
}

/// The HTTP status of a storage outcome on the upload endpoints.
int StatusOf(store::Outcome outcome) {
    switch (outcome) {
    case store::Outcome::ok:
        return 204;
    case store::Outcome::not_found:
        return 404;
    case store::Outcome::gone:
        return 410;
    case store::Outcome::not_open:
    case store::Outcome::complete_already:
    case store::Outcome::incomplete:
    case store::Outcome::empty:
        return 409;
    case store::Outcome::over_quota:
        return 413;
    case store::Outcome::no_space:
        return 507;
    case store::Outcome::checksum_mismatch:
        return 460;
    case store::Outcome::busy:
        return 503;
    case store::Outcome::failed:
        return 500;
    }
    return 500;
}

Response OutcomeProblem(store::Outcome outcome, std::string_view detail = {}) {
    return TusProblem(StatusOf(outcome), detail.empty() ? store::Describe(outcome) : detail);
}

std::string FileLocation(const store::FileRecord& file) {
    return "/api/v1/transfers/" + file.transfer_id + "/files/" + file.id;
}

/// The file addressed by the request, if it belongs to the transfer in the path.
std::optional<store::FileRecord> FindFile(store::Storage& storage, const Exchange& ex) {
    const std::string id(ex.request().Param("file_id"));
    if (!store::IsValidId(id))
        return std::nullopt;
    auto file = storage.index().GetFile(id);
    if (!file || file->transfer_id != ex.request().Param("id"))
        return std::nullopt;
    return file;
}

/// Streams the request body into `file` from its current offset; `respond`
/// builds the final response from the result.
void StreamBody(store::Storage& storage, http::Metrics& metrics, Exchange& ex,
                const store::FileRecord& file, std::optional<store::BodyChecksum> checksum,
                std::function<void(Exchange&, const store::UploadResult&)> respond,
                std::optional<std::uint64_t> open_ended_limit = std::nullopt) {
    const http::ExchangeRef ref = ex.Ref();
    storage.WithSession(file, [ref, &metrics, checksum = std::move(checksum),
                               respond = std::move(respond),
                               open_ended_limit](std::shared_ptr<store::UploadSession> session,
                                                 store::Outcome outcome) mutable {
        Exchange* e = ref.get();
        if (!e)
            return;
        if (!session) {
            e->Respond(OutcomeProblem(outcome));
            return;
        }
        if (session->busy()) {
            e->Respond(TusProblem(423, "another request is writing this file"));
            return;
        }
        const auto offset = e->request().headers.Get("upload-offset");
        if (offset && tus::ParseUint(*offset) != session->record().offset) {
            auto r = TusProblem(409, "Upload-Offset does not match the stored offset");
            r.headers.Add("Upload-Offset", std::to_string(session->record().offset));
            e->Respond(std::move(r));
            return;
        }
        if (open_ended_limit)
            session->AllowOpenEnded(*open_ended_limit);
        const std::uint64_t remaining = session->record().size - session->record().offset;
        auto in_flight = std::make_shared<http::InFlight>(metrics.uploads_in_flight);
        auto consumer = session->BeginBody(
            [ref] {
                if (Exchange* live = ref.get())
                    live->ResumeBody();
            },
            std::move(checksum),
            [ref, respond = std::move(respond), in_flight](const store::UploadResult& result) {
                if (Exchange* done = ref.get())
                    respond(*done, result);
            });
        e->ReadBody(std::move(consumer), remaining);
    });
}

Response OffsetResponse(int status, const store::UploadResult& result,
                        const store::FileRecord& file) {
    if (result.outcome != store::Outcome::ok) {
        auto r = OutcomeProblem(result.outcome, result.detail);
        r.headers.Add("Upload-Offset", std::to_string(result.offset));
        return r;
    }
    Response r = TusResponse(status);
    r.headers.Add("Upload-Offset", std::to_string(result.offset));
    if (!result.complete && file.upload_expires_at)
        r.headers.Add("Upload-Expires", http::HttpDate(file.upload_expires_at));
    return r;
}

void HandlePatch(store::Storage& storage, http::Metrics& metrics, Exchange& ex) {
    if (!CheckResumable(ex))
        return;
    const auto& req = ex.request();
    const auto type = req.headers.Get("content-type");
    if (!type || *type != kOffsetContentType) {
        ex.Respond(TusProblem(415, "Content-Type must be application/offset+octet-stream"));
        return;
    }
    const auto offset_header = req.headers.Get("upload-offset");
    if (!offset_header || !ParseUint(*offset_header)) {
        ex.Respond(TusProblem(400, "Upload-Offset is required"));
        return;
    }
    std::optional<store::BodyChecksum> checksum;
    if (const auto header = req.headers.Get("upload-checksum")) {
        Checksum parsed;
        switch (ParseChecksum(*header, parsed)) {
        case ChecksumParse::ok:
            checksum = store::BodyChecksum{parsed.algorithm, std::move(parsed.digest)};
            break;
        case ChecksumParse::unsupported:
            ex.Respond(TusProblem(400, "unsupported checksum algorithm (use sha1 or sha256)"));
            return;
        case ChecksumParse::malformed:
            ex.Respond(TusProblem(400, "malformed Upload-Checksum"));
            return;
        }
    }
    const auto file = FindFile(storage, ex);
    if (!file) {
        ex.Respond(TusProblem(404, "no such upload"));
        return;
    }
    if (file->complete) {
        auto r = TusProblem(409, "the upload is already complete");
        r.headers.Add("Upload-Offset", std::to_string(file->size));
        ex.Respond(std::move(r));
        return;
    }
    StreamBody(storage, metrics, ex, *file, std::move(checksum),
               [file = *file](Exchange& e, const store::UploadResult& result) {
                   e.Respond(OffsetResponse(204, result, file));
               });
}

void HandleCreate(store::Storage& storage, http::Metrics& metrics, Exchange& ex) {
    if (!CheckResumable(ex))
        return;
    const auto& req = ex.request();
    if (req.headers.Has("upload-defer-length")) {
        ex.Respond(TusProblem(400, "Upload-Defer-Length is not supported"));
        return;
    }
    const auto length_header = req.headers.Get("upload-length");
    const auto length = length_header ? ParseUint(*length_header) : std::nullopt;
    if (!length) {
        ex.Respond(TusProblem(400, "Upload-Length is required"));
        return;
    }
    std::map<std::string, std::string> metadata;
    if (const auto header = req.headers.Get("upload-metadata")) {
        auto parsed = ParseMetadata(*header);
        if (!parsed) {
            ex.Respond(TusProblem(400, "malformed Upload-Metadata"));
            return;
        }
        metadata = std::move(*parsed);
    }
    const bool with_upload =
        req.has_body && req.headers.Get("content-type") == std::optional(kOffsetContentType);
    const http::ExchangeRef ref = ex.Ref();
    storage.CreateFile(
        std::string(req.Param("id")), *length, metadata["filename"], metadata["filetype"],
        [ref, with_upload, &storage, &metrics](store::Storage::FileCreated result) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (!result.file) {
                e->Respond(OutcomeProblem(result.outcome));
                return;
            }
            const store::FileRecord file = *result.file;
            if (!with_upload || file.complete) {
                Response r = TusResponse(201);
                r.headers.Add("Location", FileLocation(file));
                r.headers.Add("Upload-Offset", std::to_string(file.offset));
                if (!file.complete)
                    r.headers.Add("Upload-Expires", http::HttpDate(file.upload_expires_at));
                e->Respond(std::move(r));
                return;
            }
            StreamBody(storage, metrics, *e, file, std::nullopt,
                       [file](Exchange& done, const store::UploadResult& upload) {
                           Response r = OffsetResponse(201, upload, file);
                           if (upload.outcome == store::Outcome::ok)
                               r.headers.Add("Location", FileLocation(file));
                           done.Respond(std::move(r));
                       });
        });
}

void HandlePut(store::Storage& storage, http::Metrics& metrics, Exchange& ex) {
    const auto& req = ex.request();
    const std::string name(req.Param("file_id"));
    // A chunked body has no length up front: the file takes what arrives, up
    // to what the transfer has left.
    std::optional<std::uint64_t> open_ended_limit;
    if (!req.content_length) {
        const auto transfer = storage.index().GetTransfer(req.Param("id"));
        if (!transfer) {
            ex.Respond(Response::Problem(404, "no such transfer"));
            return;
        }
        open_ended_limit = transfer->max_size - std::min(transfer->max_size, transfer->reserved);
    }
    const std::string type(req.headers.Get("content-type").value_or("application/octet-stream"));
    const http::ExchangeRef ref = ex.Ref();
    storage.CreateFile(
        std::string(req.Param("id")), req.content_length.value_or(0), name, type,
        [ref, name, &storage, &metrics,
         open_ended_limit](store::Storage::FileCreated result) {
            Exchange* e = ref.get();
            if (!e)
                return;
            if (!result.file) {
                e->Respond(Response::Problem(StatusOf(result.outcome),
                                             store::Describe(result.outcome)));
                return;
            }
            auto answer = [name](Exchange& done, const std::string& id, std::uint64_t size,
                                 const std::string& sha256) {
                done.Respond(Response::Json(
                    201, {{"id", id}, {"name", name}, {"size", size}, {"sha256", sha256}}));
            };
            if (result.file->complete) {
                answer(*e, result.file->id, result.file->size, result.sha256);
                return;
            }
            StreamBody(
                storage, metrics, *e, *result.file, std::nullopt,
                [answer, &storage, id = result.file->id](Exchange& done,
                                                         const store::UploadResult& upload) {
                    const bool ok = upload.outcome == store::Outcome::ok;
                    if (!ok || !upload.complete) {
                        done.Respond(Response::Problem(
                            ok ? 400 : StatusOf(upload.outcome),
                            !upload.detail.empty() ? upload.detail
                            : ok                   ? std::string("the body ended early")
                                                   : std::string(store::Describe(upload.outcome))));
                        return;
                    }
                    if (const auto file = storage.index().GetFile(id))
                        answer(done, id, file->size, upload.sha256);
                },
                open_ended_limit);
        },
        open_ended_limit.has_value());
}

} // namespace

void AddTusRoutes(http::Router& router, store::Storage& storage, http::Metrics& metrics) {
    const std::string files = "/api/v1/transfers/{id}/files";
    const std::string file = files + "/{file_id}";
    router.Add("OPTIONS", files, [&storage](Exchange& ex) {
        Response r = Response::Empty(204);
        r.headers.Add("Tus-Resumable", std::string(kVersion));
        r.headers.Add("Tus-Version", std::string(kVersion));
        r.headers.Add("Tus-Extension", std::string(kExtensions));
        r.headers.Add("Tus-Checksum-Algorithm", std::string(kChecksumAlgorithms));
        r.headers.Add("Tus-Max-Size", std::to_string(storage.options().max_transfer_size));
        ex.Respond(std::move(r));
    });
    router.Add(
        "POST", files, [&storage, &metrics](Exchange& ex) { HandleCreate(storage, metrics, ex); },
        http::BodyMode::stream);
    router.Add("HEAD", file, [&storage](Exchange& ex) {
        if (!CheckResumable(ex))
            return;
        const auto record = FindFile(storage, ex);
        if (!record) {
            ex.Respond(TusProblem(404, "no such upload"));
            return;
        }
        Response r = TusResponse(200);
        r.headers.Add("Upload-Offset", std::to_string(record->offset));
        r.headers.Add("Upload-Length", std::to_string(record->size));
        if (!record->complete && record->upload_expires_at)
            r.headers.Add("Upload-Expires", http::HttpDate(record->upload_expires_at));
        r.headers.Set("Cache-Control", "no-store");
        ex.Respond(std::move(r));
    });
    router.Add(
        "PATCH", file, [&storage, &metrics](Exchange& ex) { HandlePatch(storage, metrics, ex); },
        http::BodyMode::stream);
    router.Add("DELETE", file, [&storage](Exchange& ex) {
        if (!CheckResumable(ex))
            return;
        const auto record = FindFile(storage, ex);
        if (!record || record->complete) {
            ex.Respond(TusProblem(record ? 409 : 404,
                                  record ? "a complete file is removed with its transfer"
                                         : "no such upload"));
            return;
        }
        const http::ExchangeRef ref = ex.Ref();
        storage.TerminateFile(*record, [ref](store::Outcome outcome) {
            if (Exchange* e = ref.get())
                e->Respond(outcome == store::Outcome::ok ? TusResponse(204) : OutcomeProblem(outcome));
        });
    });
    router.Add(
        "PUT", file, [&storage, &metrics](Exchange& ex) { HandlePut(storage, metrics, ex); },
        http::BodyMode::stream);
}

} // namespace sealpost::tus
