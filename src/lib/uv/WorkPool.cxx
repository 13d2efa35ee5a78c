#include "lib/uv/WorkPool.hxx"
#include "lib/uv/Error.hxx"
#include "lib/uv/Handle.hxx"

#include <pthread.h>
#include <signal.h>

#include <system_error>

namespace sealpost::uv {

WorkPool::WorkPool(uv_loop_s* loop, unsigned threads)
    : size_(threads ? threads : 1), async_(loop, [this] { Complete(); }) {
    // Idle, the handle must not keep the loop running; Submit refs it while
    // jobs are pending.
    async_.Unref();
}

WorkPool::~WorkPool() {
    Close();
}

void WorkPool::Start() {
    // Workers take no signals: the loop thread handles them (uv::Signal).
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    try {
        for (unsigned i = 0; i < size_; ++i) {
            auto worker = std::make_unique<Worker>();
            Worker& w = *worker;
            w.thread = std::thread([this, &w] { Run(w); });
            pthread_setname_np(w.thread.native_handle(), "sealpost-work");
            workers_.push_back(std::move(worker));
        }
    } catch (const std::system_error&) {
        // Fewer threads than asked (the process's thread limit): work with
        // those that started; none is an error for the caller.
        if (workers_.empty()) {
            pthread_sigmask(SIG_SETMASK, &previous, nullptr);
            throw;
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void WorkPool::Submit(std::function<void()> work, std::function<void(std::exception_ptr)> done) {
    if (closed_)
        throw Error("work queued on a closed loop", UV_EINVAL);
    if (workers_.empty())
        Start();
    auto job = std::make_unique<Job>(Job{std::move(work), std::move(done), nullptr});
    Worker* wake = nullptr;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
        if (!idle_.empty()) {
            wake = idle_.back();
            idle_.pop_back();
            wake->woken = true;
        }
    }
    // Workers are only destroyed by Close() on this thread: `wake` is valid.
    if (wake)
        wake->wake.notify_one();
    if (pending_++ == 0)
        async_.Ref();
}

void WorkPool::Run(Worker& self) noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (!queue_.empty()) {
            std::unique_ptr<Job> job = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            try {
                job->work();
            } catch (...) {
                job->error = std::current_exception();
            }
            lock.lock();
            // One wake-up of the loop per batch of finished jobs: if the list
            // was not empty, a wake-up is already on its way and the loop
            // takes this job with the others.
            const bool first = finished_.empty();
            finished_.push_back(std::move(job));
            if (first)
                async_.Send();
            continue;
        }
        if (stopping_)
            return;
        self.woken = false;
        idle_.push_back(&self);
        self.wake.wait(lock, [&self] { return self.woken; });
    }
}

void WorkPool::Complete() noexcept {
    std::vector<std::unique_ptr<Job>> finished;
    {
        std::lock_guard lock(mutex_);
        finished.swap(finished_);
    }
    for (auto& job : finished) {
        if (job->done)
            Trampoline("work completion", [&job] { job->done(job->error); });
        job.reset();
        // Complete() runs from the async callback or from Close() before the
        // handle is closed: the handle is open here.
        if (--pending_ == 0)
            async_.Unref();
    }
}

void WorkPool::Close() noexcept {
    if (closed_)
        return;
    closed_ = true;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (Worker* w : idle_)
            w->woken = true;
        idle_.clear();
    }
    for (auto& w : workers_)
        w->wake.notify_one();
    // Workers drain the queue before they stop.
    for (auto& w : workers_)
        if (w->thread.joinable())
            w->thread.join();
    workers_.clear();
    Complete();
    async_.Close();
}

} // namespace sealpost::uv
