#include "client/TusUploader.hxx"
#include "client/ClientError.hxx"
#include "util/Base64.hxx"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sealpost::client {

namespace {

constexpr const char* kTusResumable = "Tus-Resumable: 1.0.0";

std::uint64_t ParseOffset(const Reply& reply) {
    const auto text = reply.raw.Header("upload-offset");
    if (!text)
        throw ClientError(kExitServer, "the server's tus answer lacks Upload-Offset");
    try {
        return std::stoull(*text);
    } catch (const std::exception&) {
        throw ClientError(kExitServer, "the server sent a broken Upload-Offset: " + *text);
    }
}

} // namespace

std::string TusUploader::Create(const LocalFile& file, const std::string& upload_url) {
    curl::HttpRequest request;
    request.method = "POST";
    request.url = upload_url;
    request.headers = {kTusResumable, "Upload-Length: " + std::to_string(file.size),
                       "Upload-Metadata: filename " + Base64Encode(file.name) + ",filetype " +
                           Base64Encode(std::string_view("application/octet-stream"))};
    const Reply reply = http_.Send(std::move(request), true);
    if (reply.status != 201)
        HttpClient::Fail(reply, "cannot start the upload of " + file.name);
    const auto location = reply.raw.Header("location");
    if (!location || location->empty())
        throw ClientError(kExitServer, "the server created an upload without a Location");
    if (callbacks_.created)
        callbacks_.created(file, *location);
    return *location;
}

std::optional<std::uint64_t> TusUploader::Offset(const std::string& location, std::uint64_t size) {
    curl::HttpRequest request;
    request.method = "HEAD";
    request.url = location;
    request.headers = {kTusResumable};
    const Reply reply = http_.Send(std::move(request), true);
    if (reply.status == 404 || reply.status == 410)
        return std::nullopt;
    if (reply.status != 200 && reply.status != 204)
        HttpClient::Fail(reply, "cannot ask the server how much it holds");
    if (const auto length = reply.raw.Header("upload-length");
        length && *length != std::to_string(size))
        return std::nullopt;
    return ParseOffset(reply);
}

std::uint64_t TusUploader::Patch(const LocalFile& file, std::size_t index,
                                 const std::string& location, std::uint64_t offset) {
    std::ifstream in(file.path, std::ios::binary);
    if (!in)
        throw ClientError(kExitFailure,
                          "cannot read " + file.path.string() + ": " + std::strerror(errno));
    in.seekg(static_cast<std::streamoff>(offset));
    const std::uint64_t length = std::min(kPatchSize, file.size - offset);
    std::uint64_t given = 0;
    curl::HttpRequest request;
    request.method = "PATCH";
    request.url = location;
    request.headers = {kTusResumable, "Content-Type: application/offset+octet-stream",
                       "Upload-Offset: " + std::to_string(offset)};
    request.read_size = length;
    request.read = [&](std::span<char> buffer) -> std::size_t {
        const std::uint64_t want = std::min<std::uint64_t>(buffer.size(), length - given);
        if (want == 0)
            return 0;
        in.read(buffer.data(), static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0)
            throw ClientError(kExitFailure, file.path.string() + " became shorter while uploading");
        given += got;
        return got;
    };
    request.progress = [&](std::uint64_t sent, std::uint64_t) {
        progress_.Set(index, offset + sent);
        return true;
    };
    const Reply reply = http_.Send(std::move(request), false);
    // 423: the request the dropped connection left behind still writes; ask again later.
    if (reply.status == 423)
        throw curl::TransportError("the server still finishes the interrupted request", false);
    if (reply.status == 409)
        return Offset(location, file.size).value_or(0);
    if (reply.status != 204 && reply.status != 200)
        HttpClient::Fail(reply, "the upload of " + file.name + " was refused");
    return ParseOffset(reply);
}

void TusUploader::Upload(const LocalFile& file, std::size_t index, const std::string& upload_url,
                         std::string location) {
    progress_.Begin(index);
    std::uint64_t offset = 0;
    bool ask = !location.empty();
    int failures = 0;
    for (;;) {
        try {
            if (ask) {
                const auto held = Offset(location, file.size);
                if (!held) {
                    location.clear();
                } else {
                    offset = *held;
                    progress_.Set(index, offset);
                    if (callbacks_.note)
                        callbacks_.note("resuming " + file.name + " at byte " +
                                        std::to_string(offset) + " of " +
                                        std::to_string(file.size));
                }
                ask = false;
            }
            if (location.empty()) {
                location = Create(file, upload_url);
                offset = 0;
            }
            if (offset >= file.size)
                break;
            const std::uint64_t before = offset;
            offset = Patch(file, index, location, offset);
            progress_.Set(index, offset);
            if (offset > before)
                failures = 0;
        } catch (const curl::TransportError& e) {
            if (e.Local())
                throw ClientError(kExitFailure,
                                  std::string("upload of ") + file.name + ": " + e.what());
            if (e.Certificate() || ++failures >= http_.Retry().attempts)
                throw ClientError(kExitNetwork, "cannot upload " + file.name + ": " + e.what());
            if (callbacks_.note)
                callbacks_.note("connection lost during " + file.name + " (" + e.what() +
                                "); asking the server how much it holds");
            Backoff(http_.Retry(), failures);
            ask = !location.empty();
        }
    }
    progress_.Finish(index);
}

} // namespace sealpost::client
