#include "lib/uv/Loop.hxx"
#include "lib/uv/Error.hxx"
#include "lib/uv/WorkPool.hxx"

#include <uv.h>

#include <cstdlib>

namespace sealpost::uv {
namespace {

/// UV_THREADPOOL_SIZE read as libuv reads it for its own pool (the variable
/// operators already know): a number, 0 taken as 1, at most 1024; unset or
/// not a number: kWorkerThreads.
unsigned WorkerThreads() {
    const char* value = std::getenv("UV_THREADPOOL_SIZE");
    if (value == nullptr || *value == '\0')
        return kWorkerThreads;
    char* end = nullptr;
    const unsigned long n = std::strtoul(value, &end, 10);
    if (*end != '\0')
        return kWorkerThreads;
    return n == 0 ? 1 : n > 1024 ? 1024 : static_cast<unsigned>(n);
}

} // namespace

Loop::Loop() : loop_(new uv_loop_t) {
    const int rc = uv_loop_init(loop_);
    if (rc < 0) {
        delete loop_;
        throw Error("uv_loop_init", rc);
    }
    loop_->data = this;
}

Loop::~Loop() {
    if (!closed_)
        Close();
    delete loop_;
}

void Loop::Run() {
    uv_run(loop_, UV_RUN_DEFAULT);
}

bool Loop::RunOnce() {
    return uv_run(loop_, UV_RUN_NOWAIT) != 0;
}

int Loop::Close() {
    // Let pending work and close callbacks run so handle memory is released.
    uv_run(loop_, UV_RUN_DEFAULT);
    if (workers_) {
        workers_->Close();
        uv_run(loop_, UV_RUN_DEFAULT);
    }
    const int rc = uv_loop_close(loop_);
    closed_ = rc == 0;
    return rc;
}

std::uint64_t Loop::Now() const noexcept {
    return uv_now(loop_);
}

Loop& Loop::Of(uv_loop_s* loop) noexcept {
    return *static_cast<Loop*>(loop->data);
}

WorkPool& Loop::Workers() {
    if (!workers_)
        workers_ = std::make_unique<WorkPool>(loop_, WorkerThreads());
    return *workers_;
}

} // namespace sealpost::uv
