// The worker threads behind uv::QueueWork (internal to src/lib/uv; one pool
// per Loop, started at the first job).
//
// Jobs start in the order they were queued (FIFO), which the upload pipeline
// relies on (a segment's job waits for the one queued before it to hash its
// bytes, see store/UploadSession). The threads themselves are woken in the
// opposite order: a job goes to the thread that became idle last, whose
// stack, cipher context and scratch buffers are still in the CPU's cache,
// and a thread that finishes a job takes the next queued one without sleeping.
// libuv's own threadpool wakes its threads first-idle-first, so a stream of
// short jobs (a download's 512 KiB batches) went round all eight threads and
// each job started on a cold one; on two CPUs that cost about a tenth of a
// download's CPU time. Completions run on the loop thread, in the order the
// jobs finished, from one async handle that keeps the loop alive only while
// jobs are pending (as libuv's work requests do).
#pragma once

#include "lib/uv/Async.hxx"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct uv_loop_s;

namespace sealpost::uv {

class WorkPool {
public:
    WorkPool(uv_loop_s* loop, unsigned threads);
    /// Close() if not done yet.
    ~WorkPool();
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;

    /// Loop thread: `work` runs on a worker thread, then `done` on the loop
    /// thread with the exception `work` threw (or null). Throws when no
    /// worker thread can be started.
    void Submit(std::function<void()> work, std::function<void(std::exception_ptr)> done);

    /// Loop thread: lets the queued jobs finish, stops the threads, runs the
    /// completions still owed and closes the async handle (its memory goes
    /// with the loop's next iteration).
    void Close() noexcept;

private:
    struct Job {
        std::function<void()> work;
        std::function<void(std::exception_ptr)> done;
        std::exception_ptr error;
    };
    struct Worker {
        std::condition_variable wake;
        bool woken = false;
        std::thread thread;
    };

    void Start();
    void Run(Worker& self) noexcept;
    void Complete() noexcept;

    unsigned size_;
    Async async_;             ///< wakes the loop for the completions
    std::size_t pending_ = 0; ///< loop thread: submitted, completion not yet run
    bool closed_ = false;

    std::mutex mutex_; ///< guards everything below
    std::deque<std::unique_ptr<Job>> queue_;
    std::vector<std::unique_ptr<Job>> finished_;
    std::vector<Worker*> idle_; ///< the last one became idle last
    bool stopping_ = false;
    std::vector<std::unique_ptr<Worker>> workers_;
};

} // namespace sealpost::uv
