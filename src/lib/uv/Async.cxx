#include "lib/uv/Async.hxx"
#include "lib/uv/Handle.hxx"

namespace sealpost::uv {

struct Async::Block : Handle<uv_async_t, std::function<void()>> {
    using Handle::Handle;
};

Async::Async(uv_loop_s* loop, std::function<void()> callback)
    : block_(new Block(
          loop,
          [](uv_loop_t* l, uv_async_t* h) {
              return uv_async_init(l, h, [](uv_async_t* async) {
                  Trampoline("async callback", [async] {
                      if (auto& run = Block::StateOf(async))
                          run();
                  });
              });
          },
          std::move(callback), "uv_async_init")) {}

Async::~Async() {
    delete block_;
}

void Async::Send() noexcept {
    uv_async_send(block_->get());
}

void Async::Ref() noexcept {
    block_->Ref();
}

void Async::Unref() {
    block_->Unref();
}

void Async::Close() noexcept {
    block_->Close();
}

} // namespace sealpost::uv
