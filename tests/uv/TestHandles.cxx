// The libuv adapter's handle rules (lib/uv/Handle.hxx) through its wrappers: a
// handle may be destroyed inside its own callback, an exception thrown by a callback
// never reaches libuv, a failed start throws and leaks nothing, and every handle is
// closed once: uv_loop_close() succeeds afterwards.
#include "lib/uv/Async.hxx"
#include "lib/uv/Error.hxx"
#include "lib/uv/Loop.hxx"
#include "lib/uv/Signal.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"

#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>

using namespace sealpost;

TEST_CASE("a timer destroyed in its own callback is closed once", "[uv]") {
    uv::Loop loop;
    int fired = 0;
    auto timer = std::make_unique<uv::Timer>(loop.get(), nullptr);
    timer = std::make_unique<uv::Timer>(loop.get(), [&] {
        ++fired;
        timer.reset(); // the running callback stays valid until the close callback
    });
    timer->Start(1, 1);
    loop.Run();
    CHECK(fired == 1);
    CHECK(loop.Close() == 0);
}

TEST_CASE("exceptions thrown by callbacks do not unwind into libuv", "[uv]") {
    uv::Loop loop;
    int after = 0;
    {
        uv::Timer thrower(loop.get(), [] { throw std::runtime_error("from a timer"); });
        thrower.Start(1);
        uv::Timer next(loop.get(), [&] { ++after; });
        next.Start(5);
        uv::Async async(loop.get(), [&] {
            ++after;
            throw std::logic_error("from an async");
        });
        async.Unref();
        async.Send();
        uv::QueueWork(
            loop.get(), [] { throw std::runtime_error("work fails"); },
            [&](std::exception_ptr error) {
                CHECK(error != nullptr);
                throw std::runtime_error("and so does its completion");
            });
        loop.Run(); // until the timers have fired and the work is done
    }
    CHECK(after == 2);
    CHECK(loop.Close() == 0);
}

TEST_CASE("a signal watcher that cannot start throws and leaks nothing", "[uv]") {
    uv::Loop loop;
    CHECK_THROWS_AS(uv::Signal(loop.get(), 100000, [] {}), uv::Error);
    CHECK(loop.Close() == 0);
}
