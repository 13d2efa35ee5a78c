#include "client/Progress.hxx"

#include <fmt/format.h>

#include <algorithm>

namespace sealpost::client {

std::string HumanBytes(double bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
        bytes /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} B", bytes)
                     : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

namespace {

std::string Bar(double fraction, int width) {
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
    return "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::string Clock(double seconds) {
    const auto s = static_cast<long>(seconds);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                     : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string Shorten(const std::string& name, std::size_t width) {
    if (name.size() <= width)
        return name + std::string(width - name.size(), ' ');
    return "…" + name.substr(name.size() - (width - 1));
}

} // namespace

Progress::~Progress() {
    Stop();
}

std::size_t Progress::Add(std::string name, std::uint64_t size) {
    items_.emplace_back();
    items_.back().name = std::move(name);
    items_.back().size = size;
    return items_.size() - 1;
}

void Progress::Resumed(std::size_t index, std::uint64_t bytes) {
    resumed_ += bytes;
    items_[index].done = bytes;
}

void Progress::Set(std::size_t index, std::uint64_t done) {
    items_[index].done = std::min(done, items_[index].size);
}

void Progress::Finish(std::size_t index) {
    items_[index].done = items_[index].size;
    items_[index].finished = true;
    items_[index].active = false;
}

void Progress::Start() {
    started_ = std::chrono::steady_clock::now();
    if (enabled_)
        thread_ = std::thread([this] { Run(); });
}

void Progress::Stop() {
    if (!thread_.joinable())
        return;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    Draw(true);
}

void Progress::Run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        Draw(false);
        lock.lock();
        wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; });
    }
}

void Progress::Draw(bool final) {
    std::uint64_t total = 0, done = 0;
    std::vector<std::string> lines;
    for (const Item& item : items_) {
        total += item.size;
        const std::uint64_t d = item.done;
        done += d;
        if (item.active && !final) {
            const double fraction = item.size ? static_cast<double>(d) / item.size : 1.0;
            lines.push_back(fmt::format("  {} {} {:3.0f}%", Shorten(item.name, 30),
                                        Bar(fraction, 20), fraction * 100));
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double moved = static_cast<double>(done - std::min<std::uint64_t>(done, resumed_));
    const double rate = seconds > 0.2 ? moved / seconds : 0;
    const double fraction = total ? static_cast<double>(done) / total : 1.0;
    const std::string left =
        rate > 0 ? Clock(static_cast<double>(total - done) / rate) + " left" : "--:-- left";
    std::size_t finished = 0;
    for (const Item& item : items_)
        finished += item.finished ? 1 : 0;
    lines.push_back(fmt::format("{} {:3.0f}%  {} of {}  {}/s  {}  ({}/{} files)", Bar(fraction, 30),
                                fraction * 100, HumanBytes(static_cast<double>(done)),
                                HumanBytes(static_cast<double>(total)), HumanBytes(rate),
                                final ? Clock(seconds) + " total" : left, finished, items_.size()));
    std::string text;
    if (lines_drawn_ > 1)
        text += fmt::format("\x1b[{}A", lines_drawn_ - 1);
    text += "\r";
    for (std::size_t i = 0; i < lines.size(); ++i)
        text += lines[i] + "\x1b[K" + (i + 1 < lines.size() ? "\n" : "");
    // Clear lines left over from a taller previous frame.
    if (lines.size() < lines_drawn_)
        text += "\x1b[J";
    if (final)
        text += "\n";
    lines_drawn_ = final ? 0 : lines.size();
    out_ << text << std::flush;
}

} // namespace sealpost::client
