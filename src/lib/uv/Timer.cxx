#include "lib/uv/Timer.hxx"
#include "lib/uv/Error.hxx"

#include <uv.h>

namespace sealpost::uv {

struct Timer::Block {
    uv_timer_t handle;
    Callback callback;
};

Timer::Timer(uv_loop_s* loop, Callback callback) : block_(new Block) {
    block_->callback = std::move(callback);
    uv_timer_init(loop, &block_->handle);
    block_->handle.data = block_;
}

Timer::~Timer() {
    uv_timer_stop(&block_->handle);
    uv_close(reinterpret_cast<uv_handle_t*>(&block_->handle),
             [](uv_handle_t* h) { delete static_cast<Block*>(h->data); });
}

void Timer::Start(std::uint64_t timeout_ms, std::uint64_t repeat_ms) {
    uv_timer_start(
        &block_->handle,
        [](uv_timer_t* h) {
            // The callback may destroy the Timer; the block survives until the
            // close callback, so the running std::function stays valid.
            auto* block = static_cast<Block*>(h->data);
            if (block->callback)
                block->callback();
        },
        timeout_ms, repeat_ms);
}

void Timer::Stop() {
    uv_timer_stop(&block_->handle);
}

bool Timer::IsActive() const noexcept {
    return uv_is_active(reinterpret_cast<const uv_handle_t*>(&block_->handle)) != 0;
}

void Timer::Unref() {
    uv_unref(reinterpret_cast<uv_handle_t*>(&block_->handle));
}

} // namespace sealpost::uv
