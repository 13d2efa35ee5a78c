#include "client/UploadQueue.hxx"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace sealpost::client {

void UploadQueue::Run(const std::vector<UploadJob>& jobs, const std::string& upload_url,
                      int parallel) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    const auto work = [&] {
        try {
            HttpClient http = make_client_();
            TusUploader uploader(http, progress_, callbacks_);
            for (std::size_t i; !failed && (i = next++) < jobs.size();)
                uploader.Upload(jobs[i].file, jobs[i].progress_index, upload_url, jobs[i].location);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!first_error)
                first_error = std::current_exception();
            failed = true;
        }
    };
    const auto count = static_cast<std::size_t>(std::max(1, parallel));
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < std::min(count, jobs.size()); ++i)
        workers.emplace_back(work);
    for (auto& worker : workers)
        worker.join();
    if (first_error)
        std::rethrow_exception(first_error);
}

} // namespace sealpost::client
