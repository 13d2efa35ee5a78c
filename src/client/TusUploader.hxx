// TusUploader: uploads one file into a transfer with tus 1.0.0 — creation (POST to
// the transfer's upload_url with Upload-Length and the file name in
// Upload-Metadata), then PATCHes from the server's Upload-Offset. After a dropped
// connection it asks the server (HEAD) how much it durably holds and continues from
// there, with backoff, until the retry policy gives up (kExitNetwork). An upload URL
// from an earlier, killed run is resumed the same way; a vanished one (404/410) is
// created afresh. Runs on an upload worker thread with that worker's HttpClient.
#pragma once

#include "client/HttpClient.hxx"
#include "client/Progress.hxx"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

namespace sealpost::client {

struct LocalFile {
    std::filesystem::path path;
    /// The name the recipients see: relative, '/'-separated for directories.
    std::string name;
    std::uint64_t size = 0;
};

class TusUploader {
public:
    struct Callbacks {
        /// A new upload URL was created (keep it for a later run).
        std::function<void(const LocalFile& file, const std::string& location)> created;
        /// Verbose messages ("resuming NAME at byte N"); may be empty.
        std::function<void(const std::string& line)> note;
    };

    TusUploader(HttpClient& http, Progress& progress, Callbacks callbacks)
        : http_(http), progress_(progress), callbacks_(std::move(callbacks)) {}

    /// Uploads `file` (Progress item `index`) under `upload_url`; `location` is an
    /// upload URL of an earlier run, or empty. Returns once the server holds every byte.
    void Upload(const LocalFile& file, std::size_t index, const std::string& upload_url,
                std::string location);

    /// Bytes one PATCH carries at most.
    static constexpr std::uint64_t kPatchSize = 64ull << 20;

private:
    std::string Create(const LocalFile& file, const std::string& upload_url);
    /// The server's offset, or nullopt when the upload is gone.
    std::optional<std::uint64_t> Offset(const std::string& location, std::uint64_t size);
    std::uint64_t Patch(const LocalFile& file, std::size_t index, const std::string& location,
                        std::uint64_t offset);

    HttpClient& http_;
    Progress& progress_;
    Callbacks callbacks_;
};

} // namespace sealpost::client
