// UploadQueue: runs TusUploaders over a list of files with at most `parallel` at a
// time, each worker thread with its own HttpClient (its own connection). The first
// failure stops the queue from starting more files and is rethrown by Run() once
// the workers have ended. Run() is called on the command's thread.
#pragma once

#include "client/HttpClient.hxx"
#include "client/Progress.hxx"
#include "client/TusUploader.hxx"

#include <functional>
#include <string>
#include <vector>

namespace sealpost::client {

struct UploadJob {
    LocalFile file;
    std::size_t progress_index = 0;
    /// The upload URL of an earlier run, or empty.
    std::string location;
};

class UploadQueue {
public:
    using MakeClient = std::function<HttpClient()>;

    UploadQueue(MakeClient make_client, Progress& progress, TusUploader::Callbacks callbacks)
        : make_client_(std::move(make_client)), progress_(progress),
          callbacks_(std::move(callbacks)) {}

    void Run(const std::vector<UploadJob>& jobs, const std::string& upload_url, int parallel);

private:
    MakeClient make_client_;
    Progress& progress_;
    TusUploader::Callbacks callbacks_;
};

} // namespace sealpost::client
