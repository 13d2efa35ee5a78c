// The one way sealpost holds a libuv handle (internal to src/lib/uv: it includes
// <uv.h>). A Handle<T, State> allocates the uv handle together with its State in one
// block and
//   * initialises it with a checked init call (a failed init throws uv::Error and
//     frees the block, which libuv never saw),
//   * closes it exactly once (Close() or the destructor), and
//   * frees the block only in the close callback, so the memory stays valid for
//     libuv until then, even when the owner is destroyed inside one of its own
//     callbacks.
// Callbacks reach their State through StateOf(handle) and run their code through
// Trampoline(), which catches every exception: nothing unwinds into libuv.
//
// Threads: the loop thread only (libuv handles are not thread-safe; uv_async_send
// is the one exception, see Async).
#pragma once

#include "lib/uv/Error.hxx"

#include <uv.h>

#include <exception>
#include <string>
#include <utility>

namespace sealpost::uv {

/// Logs an exception that escaped a callback (log/Log.hxx is not a dependency of
/// every user of this header, so the definition lives in Handle.cxx).
void ReportCallbackException(const char* where, std::exception_ptr error) noexcept;

/// Runs fn(); an exception is reported and swallowed.
template <typename F> void Trampoline(const char* where, F&& fn) noexcept {
    try {
        std::forward<F>(fn)();
    } catch (...) {
        ReportCallbackException(where, std::current_exception());
    }
}

template <typename T, typename State> class Handle {
public:
    /// `init` is called as init(loop, T*) and returns a libuv status.
    template <typename Init>
    Handle(uv_loop_t* loop, Init&& init, State state, const char* what)
        : block_(new Block{{}, std::move(state), this, nullptr}) {
        const int rc = std::forward<Init>(init)(loop, &block_->handle);
        if (rc < 0) {
            delete block_;
            block_ = nullptr;
            throw Error(what, rc);
        }
        block_->handle.data = block_;
    }
    /// Closes the handle if that was not asked yet; its memory lives on until the
    /// close callback.
    ~Handle() {
        if (!block_)
            return;
        block_->owner = nullptr;
        Close();
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    /// Valid while this Handle exists and the close callback has not run (also
    /// after Close(), until then).
    T* get() noexcept { return &block_->handle; }
    const T* get() const noexcept { return &block_->handle; }
    uv_handle_t* base() noexcept { return reinterpret_cast<uv_handle_t*>(&block_->handle); }
    State& state() noexcept { return block_->state; }
    /// The close callback has run: get() and state() are gone.
    bool gone() const noexcept { return block_ == nullptr; }
    bool closing() const noexcept { return closing_; }

    /// The State of a handle made by this template (from inside a callback).
    static State& StateOf(T* handle) noexcept { return static_cast<Block*>(handle->data)->state; }

    /// Closes once; `after(State&)` (if given) runs in the close callback before
    /// the memory is freed.
    void Close(void (*after)(State&) = nullptr) noexcept {
        if (!block_ || closing_)
            return;
        closing_ = true;
        block_->after_close = after;
        uv_close(base(), [](uv_handle_t* h) {
            auto* block = static_cast<Block*>(h->data);
            if (block->after_close)
                Trampoline("close callback", [&] { block->after_close(block->state); });
            if (block->owner)
                block->owner->block_ = nullptr;
            delete block;
        });
    }

    void Ref() noexcept { uv_ref(base()); }
    void Unref() noexcept { uv_unref(base()); }
    bool IsActive() const noexcept {
        return block_ && !closing_ &&
               uv_is_active(reinterpret_cast<const uv_handle_t*>(&block_->handle)) != 0;
    }

private:
    struct Block {
        T handle;
        State state;
        /// The Handle while it exists (it learns in the close callback that the
        /// memory is gone).
        Handle* owner;
        void (*after_close)(State&);
    };
    Block* block_;
    bool closing_ = false;
};

} // namespace sealpost::uv
