#include "lib/uv/Timer.hxx"
#include "lib/uv/Handle.hxx"

namespace sealpost::uv {

struct Timer::Block : Handle<uv_timer_t, Callback> {
    using Handle::Handle;
};

Timer::Timer(uv_loop_s* loop, Callback callback)
    : block_(new Block(loop, uv_timer_init, std::move(callback), "uv_timer_init")) {}

Timer::~Timer() {
    uv_timer_stop(block_->get());
    delete block_; // closes; the uv handle is freed in its close callback
}

void Timer::Start(std::uint64_t timeout_ms, std::uint64_t repeat_ms) {
    uv_timer_start(
        block_->get(),
        [](uv_timer_t* h) {
            // The callback may destroy the Timer; the handle's block survives until
            // the close callback, so the running std::function stays valid.
            Trampoline("timer callback", [h] {
                if (auto& run = Block::StateOf(h))
                    run();
            });
        },
        timeout_ms, repeat_ms);
}

void Timer::Stop() {
    uv_timer_stop(block_->get());
}

bool Timer::IsActive() const noexcept {
    return block_->IsActive();
}

void Timer::Unref() {
    block_->Unref();
}

} // namespace sealpost::uv
