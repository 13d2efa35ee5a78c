#include "mail/SpoolCleaner.hxx"

#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"

#include <algorithm>
#include <system_error>

namespace sealpost {
namespace {

bool IsSpoolFile(const std::string& name) {
    if (name.size() > 4 && name.ends_with(".eml") && name.front() != '.')
        return true;
    return name.size() > 5 && name.front() == '.' && name.ends_with(".tmp");
}

} // namespace

std::size_t ExpireSpool(const std::filesystem::path& dir, std::chrono::milliseconds retention,
                        std::filesystem::file_time_type now) {
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec)
        return 0;
    const auto cutoff = now - retention;
    for (const auto& entry : it) {
        std::error_code entry_ec;
        if (!entry.is_regular_file(entry_ec) || !IsSpoolFile(entry.path().filename().string()))
            continue;
        const auto written = entry.last_write_time(entry_ec);
        if (entry_ec || written >= cutoff)
            continue;
        if (fs::remove(entry.path(), entry_ec))
            ++removed;
    }
    return removed;
}

SpoolCleaner::SpoolCleaner(uv_loop_s* loop, std::filesystem::path dir,
                           std::chrono::milliseconds retention)
    : loop_(loop), dir_(std::move(dir)), retention_(retention) {}

SpoolCleaner::~SpoolCleaner() = default;

std::chrono::milliseconds SpoolCleaner::Interval() const noexcept {
    using namespace std::chrono;
    return std::clamp<milliseconds>(retention_ / 10, seconds(1), hours(1));
}

void SpoolCleaner::Start() {
    if (retention_.count() <= 0)
        return;
    timer_ = std::make_unique<uv::Timer>(loop_, [this] { Pass(); });
    timer_->Unref();
    const auto interval = static_cast<std::uint64_t>(Interval().count());
    timer_->Start(interval, interval);
    Pass();
}

void SpoolCleaner::Pass() {
    if (running_)
        return;
    running_ = true;
    auto removed = std::make_shared<std::size_t>(0);
    uv::QueueWork(
        loop_,
        [dir = dir_, retention = retention_, removed] {
            *removed = ExpireSpool(dir, retention, std::filesystem::file_time_type::clock::now());
        },
        [this, alive = std::weak_ptr<int>(alive_), removed](std::exception_ptr error) {
            if (alive.expired())
                return;
            running_ = false;
            if (error)
                log::Error("old spooled mail not removed");
            else if (*removed > 0)
                log::Info("{} spooled message(s) past mail.spool_retention removed", *removed);
        });
}

} // namespace sealpost
