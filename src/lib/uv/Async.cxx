#include "lib/uv/Async.hxx"
#include "lib/uv/Error.hxx"

#include <uv.h>

namespace sealpost::uv {

struct Async::Block {
    uv_async_t handle;
    std::function<void()> callback;
};

Async::Async(uv_loop_s* loop, std::function<void()> callback) : block_(new Block) {
    block_->callback = std::move(callback);
    Check(uv_async_init(loop, &block_->handle,
                        [](uv_async_t* h) {
                            auto* block = static_cast<Block*>(h->data);
                            if (block->callback)
                                block->callback();
                        }),
          "uv_async_init");
    block_->handle.data = block_;
}

Async::~Async() {
    uv_close(reinterpret_cast<uv_handle_t*>(&block_->handle),
             [](uv_handle_t* h) { delete static_cast<Block*>(h->data); });
}

void Async::Send() noexcept {
    uv_async_send(&block_->handle);
}

void Async::Unref() {
    uv_unref(reinterpret_cast<uv_handle_t*>(&block_->handle));
}

} // namespace sealpost::uv
