// Spool retention (mail.spool_retention): the spool transport leaves each
// message as a plaintext .eml file (addresses, links, file names when the
// sender allowed them), so files older than the retention are deleted, once at
// start and then by a timer. A retention of zero keeps them.
//
// ExpireSpool() is a blocking function for any thread. The SpoolCleaner lives on
// the loop thread (owned by the App): its timer fires there and the deletion runs
// on the threadpool, one pass at a time. Destroying it stops the timer; a pass in
// flight finishes on its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>

struct uv_loop_s;

namespace sealpost {

namespace uv {
class Timer;
}

/// Deletes the spool's `<id>.eml` files, and `.<id>.tmp` leftovers of an
/// interrupted write, last modified more than `retention` before `now`; other
/// files are left alone. Returns how many were deleted. A missing folder is empty.
std::size_t ExpireSpool(const std::filesystem::path& dir, std::chrono::milliseconds retention,
                        std::filesystem::file_time_type now);

class SpoolCleaner {
public:
    SpoolCleaner(uv_loop_s* loop, std::filesystem::path dir, std::chrono::milliseconds retention);
    ~SpoolCleaner();
    SpoolCleaner(const SpoolCleaner&) = delete;
    SpoolCleaner& operator=(const SpoolCleaner&) = delete;

    /// Runs a pass now and then every Interval(); nothing when retention is zero.
    void Start();

    /// A tenth of the retention, between one second and one hour.
    std::chrono::milliseconds Interval() const noexcept;

private:
    void Pass();

    uv_loop_s* loop_;
    std::filesystem::path dir_;
    std::chrono::milliseconds retention_;
    std::unique_ptr<uv::Timer> timer_;
    bool running_ = false;
    /// Expires with the cleaner; a completion checks it before touching `this`.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace sealpost
