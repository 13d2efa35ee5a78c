#include "store/KdfQueue.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"

namespace sealpost::store {

bool KdfQueue::Run(std::function<void()> job, std::function<void()> done) {
    if (running_ < parallel_) {
        Start(std::move(job), std::move(done));
        return true;
    }
    if (waiting_.size() >= queued_)
        return false;
    waiting_.emplace_back(std::move(job), std::move(done));
    return true;
}

void KdfQueue::Start(std::function<void()> job, std::function<void()> done) {
    ++running_;
    uv::QueueWork(loop_, std::move(job), [this, done = std::move(done)](std::exception_ptr error) {
        if (error)
            log::Write(log::Level::error, "password_kdf_failed");
        Release();
        done();
    });
}

void KdfQueue::Release() {
    --running_;
    if (waiting_.empty())
        return;
    auto [job, done] = std::move(waiting_.front());
    waiting_.pop_front();
    Start(std::move(job), std::move(done));
}

} // namespace sealpost::store
