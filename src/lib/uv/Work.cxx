#include "lib/uv/Work.hxx"
#include "lib/uv/Loop.hxx"
#include "lib/uv/WorkPool.hxx"

namespace sealpost::uv {

void QueueWork(uv_loop_s* loop, std::function<void()> work,
               std::function<void(std::exception_ptr)> done) {
    Loop::Of(loop).Workers().Submit(std::move(work), std::move(done));
}

} // namespace sealpost::uv
