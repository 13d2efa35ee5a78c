// The loop's worker threads (lib/uv/WorkPool.hxx) through uv::QueueWork.
// Invariants:
//   * jobs start in the order they were queued: a job may wait for the one
//     queued before it (the upload pipeline's hash turn does), and that never
//     deadlocks, even with far more such jobs than threads;
//   * every completion runs exactly once, on the loop thread, with the
//     exception its job threw;
//   * the loop stays alive while jobs are pending and not a moment longer;
//   * a chain of jobs (each queued by the completion of the one before, as a
//     download's batches are) stays on the threads that were idle last,
//     instead of going round all of them;
//   * Close() lets queued jobs finish and runs their completions.
#include "lib/uv/Loop.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace sealpost;
using namespace std::chrono_literals;

TEST_CASE("jobs start in queue order: each may wait for the one before it", "[uv][work]") {
    uv::Loop loop;
    constexpr int kJobs = 200; // 25 times the worker threads
    struct Turn {
        std::mutex mutex;
        std::condition_variable changed;
        int started = 0; // jobs 0..started-1 have started
    } turn;
    std::atomic<int> timed_out{0};
    int completed = 0;
    std::vector<int> completion_order;
    const auto loop_thread = std::this_thread::get_id();
    bool all_on_loop_thread = true;
    for (int i = 0; i < kJobs; ++i) {
        uv::QueueWork(
            loop.get(),
            [&turn, &timed_out, i] {
                std::unique_lock lock(turn.mutex);
                // Queued before us means started before us: never waits long.
                if (!turn.changed.wait_for(lock, 10s, [&] { return turn.started == i; })) {
                    ++timed_out;
                    return;
                }
                turn.started = i + 1;
                turn.changed.notify_all();
            },
            [&, i](std::exception_ptr error) {
                CHECK(error == nullptr);
                all_on_loop_thread &= std::this_thread::get_id() == loop_thread;
                completion_order.push_back(i);
                ++completed;
            });
    }
    loop.Run(); // returns once every completion has run
    CHECK(timed_out == 0);
    CHECK(completed == kJobs);
    CHECK(all_on_loop_thread);
    CHECK(std::set<int>(completion_order.begin(), completion_order.end()).size() == kJobs);
    CHECK(loop.Close() == 0);
}

TEST_CASE("a job's exception reaches its completion; the loop runs while jobs are pending",
          "[uv][work]") {
    uv::Loop loop;
    std::atomic<bool> release{false};
    bool failed_seen = false;
    bool slow_done = false;
    uv::QueueWork(
        loop.get(), [] { throw std::runtime_error("the job fails"); },
        [&](std::exception_ptr error) {
            REQUIRE(error != nullptr);
            try {
                std::rethrow_exception(error);
            } catch (const std::runtime_error& e) {
                failed_seen = std::string(e.what()) == "the job fails";
            }
        });
    // No handle keeps the loop alive but this pending job: Run must wait for it.
    uv::QueueWork(
        loop.get(),
        [&] {
            std::this_thread::sleep_for(200ms);
            release = true;
        },
        [&](std::exception_ptr error) {
            CHECK(error == nullptr);
            slow_done = release.load();
        });
    const auto started = std::chrono::steady_clock::now();
    loop.Run();
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    CHECK(failed_seen);
    CHECK(slow_done);
    // Idle, the pool does not keep the loop running.
    const auto again = std::chrono::steady_clock::now();
    loop.Run();
    CHECK(std::chrono::steady_clock::now() - again < 1s);
    CHECK(loop.Close() == 0);
}

TEST_CASE("a chain of jobs stays on the threads idle last", "[uv][work]") {
    uv::Loop loop;
    constexpr int kChain = 300;
    std::mutex mutex;
    std::map<std::thread::id, int> jobs_on;
    int done = 0;
    std::function<void()> next = [&] {
        uv::QueueWork(
            loop.get(),
            [&] {
                std::lock_guard lock(mutex);
                ++jobs_on[std::this_thread::get_id()];
            },
            [&](std::exception_ptr error) {
                CHECK(error == nullptr);
                if (++done < kChain)
                    next();
            });
    };
    next();
    loop.Run();
    CHECK(done == kChain);
    // One job at a time, so the thread that finished a job (or the one woken
    // for the next before the first went idle) runs the next: nearly all
    // jobs land on two threads. Woken first-idle-first, the chain would go
    // round all kWorkerThreads, a quarter of the jobs on any two.
    std::vector<int> counts;
    for (const auto& [thread, n] : jobs_on)
        counts.push_back(n);
    std::sort(counts.rbegin(), counts.rend());
    const int on_two = counts[0] + (counts.size() > 1 ? counts[1] : 0);
    INFO("threads used: " << counts.size() << ", jobs on the busiest two: " << on_two);
    CHECK(on_two * 4 >= kChain * 3);
    CHECK(loop.Close() == 0);
}

TEST_CASE("UV_THREADPOOL_SIZE sets the number of worker threads", "[uv][work]") {
    // Eight jobs that all block at once: with two threads at most two run.
    ::setenv("UV_THREADPOOL_SIZE", "2", 1);
    std::set<std::thread::id> threads;
    std::mutex mutex;
    int running = 0, most_at_once = 0;
    {
        uv::Loop loop;
        for (int i = 0; i < 8; ++i)
            uv::QueueWork(
                loop.get(),
                [&] {
                    {
                        std::lock_guard lock(mutex);
                        threads.insert(std::this_thread::get_id());
                        most_at_once = std::max(most_at_once, ++running);
                    }
                    std::this_thread::sleep_for(20ms);
                    std::lock_guard lock(mutex);
                    --running;
                },
                [](std::exception_ptr error) { CHECK(error == nullptr); });
        loop.Run();
        CHECK(loop.Close() == 0);
    }
    ::unsetenv("UV_THREADPOOL_SIZE");
    // Never more than two (both are normally used; a loaded machine may
    // leave one asleep throughout, which is not what this checks).
    CHECK(threads.size() <= 2);
    CHECK(most_at_once <= 2);
    CHECK(most_at_once >= 1);
}

TEST_CASE("closing the loop finishes queued jobs and runs their completions", "[uv][work]") {
    int completed = 0;
    std::atomic<int> ran{0};
    {
        uv::Loop loop;
        for (int i = 0; i < 50; ++i)
            uv::QueueWork(
                loop.get(),
                [&] {
                    std::this_thread::sleep_for(1ms);
                    ++ran;
                },
                [&](std::exception_ptr) { ++completed; });
        CHECK(loop.Close() == 0); // without a Run() before
        // Queueing on a closed loop is refused, not lost silently.
        CHECK_THROWS(uv::QueueWork(
            loop.get(), [] {}, [](std::exception_ptr) {}));
    }
    CHECK(ran == 50);
    CHECK(completed == 50);
}
