#include "lib/uv/Signal.hxx"
#include "lib/uv/Error.hxx"

#include <uv.h>

namespace sealpost::uv {

struct Signal::Block {
    uv_signal_t handle;
    std::function<void()> callback;
};

Signal::Signal(uv_loop_s* loop, int signum, std::function<void()> callback) : block_(new Block) {
    block_->callback = std::move(callback);
    uv_signal_init(loop, &block_->handle);
    block_->handle.data = block_;
    Check(uv_signal_start(
              &block_->handle,
              [](uv_signal_t* h, int) {
                  auto* block = static_cast<Block*>(h->data);
                  if (block->callback)
                      block->callback();
              },
              signum),
          "uv_signal_start");
}

Signal::~Signal() {
    uv_signal_stop(&block_->handle);
    uv_close(reinterpret_cast<uv_handle_t*>(&block_->handle),
             [](uv_handle_t* h) { delete static_cast<Block*>(h->data); });
}

void Signal::Unref() {
    uv_unref(reinterpret_cast<uv_handle_t*>(&block_->handle));
}

} // namespace sealpost::uv
