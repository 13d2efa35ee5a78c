// Progress: the progress display of `sealpost send` and `sealpost download` on a
// terminal — one line per file in flight (bar, percentage) and a total line with the
// rate and the time left, redrawn in place a few times a second by its own thread.
// Disabled (draws nothing) when standard output is not a terminal, so scripts see
// only the result. Workers report bytes from any thread; Start()/Stop() belong to the
// command's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace sealpost::client {

class Progress {
public:
    struct Item {
        std::string name;
        std::uint64_t size = 0;
        std::atomic<std::uint64_t> done{0};
        std::atomic<bool> active{false};
        std::atomic<bool> finished{false};
    };

    Progress(bool enabled, std::ostream& out) : enabled_(enabled), out_(out) {}
    ~Progress();

    /// Adds a file before Start(); returns its index.
    std::size_t Add(std::string name, std::uint64_t size);
    /// Bytes of the item already done before this run (resumed), not counted in the rate.
    void Resumed(std::size_t index, std::uint64_t bytes);
    void Set(std::size_t index, std::uint64_t done);
    void Begin(std::size_t index) { items_[index].active = true; }
    void Finish(std::size_t index);

    void Start();
    /// Draws the final state and stops the thread.
    void Stop();

    bool Enabled() const noexcept { return enabled_; }

private:
    void Run();
    void Draw(bool final);

    bool enabled_;
    std::ostream& out_;
    std::deque<Item> items_;
    std::atomic<std::uint64_t> resumed_{0};
    std::chrono::steady_clock::time_point started_;
    std::size_t lines_drawn_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

/// "12.3 MiB", "512 B".
std::string HumanBytes(double bytes);

} // namespace sealpost::client
