#include "lib/uv/Signal.hxx"
#include "lib/uv/Handle.hxx"

namespace sealpost::uv {

struct Signal::Block : Handle<uv_signal_t, std::function<void()>> {
    using Handle::Handle;
};

Signal::Signal(uv_loop_s* loop, int signum, std::function<void()> callback)
    : block_(new Block(loop, uv_signal_init, std::move(callback), "uv_signal_init")) {
    const int rc = uv_signal_start(
        block_->get(),
        [](uv_signal_t* h, int) {
            Trampoline("signal callback", [h] {
                if (auto& run = Block::StateOf(h))
                    run();
            });
        },
        signum);
    if (rc < 0) {
        delete block_;
        Check(rc, "uv_signal_start");
    }
}

Signal::~Signal() {
    uv_signal_stop(block_->get());
    delete block_;
}

void Signal::Unref() {
    block_->Unref();
}

} // namespace sealpost::uv
