#include "lib/uv/Work.hxx"
#include "lib/uv/Error.hxx"
#include "lib/uv/Handle.hxx"

#include <exception>

namespace sealpost::uv {
namespace {

struct WorkRequest {
    uv_work_t req;
    std::function<void()> work;
    std::function<void(std::exception_ptr)> done;
    std::exception_ptr error;
};

} // namespace

void QueueWork(uv_loop_s* loop, std::function<void()> work,
               std::function<void(std::exception_ptr)> done) {
    auto* request = new WorkRequest{{}, std::move(work), std::move(done), nullptr};
    request->req.data = request;
    const int rc = uv_queue_work(
        loop, &request->req,
        [](uv_work_t* r) {
            auto* w = static_cast<WorkRequest*>(r->data);
            try {
                w->work();
            } catch (...) {
                w->error = std::current_exception();
            }
        },
        [](uv_work_t* r, int status) {
            auto* w = static_cast<WorkRequest*>(r->data);
            if (status == UV_ECANCELED && !w->error)
                w->error = std::make_exception_ptr(Error("work cancelled", status));
            if (w->done)
                Trampoline("work completion", [w] { w->done(w->error); });
            delete w;
        });
    if (rc < 0) {
        delete request;
        throw Error("uv_queue_work", rc);
    }
}

} // namespace sealpost::uv
