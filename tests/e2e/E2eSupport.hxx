// Support for the end-to-end tests: child processes (the sealpost binary,
// Node.js scripts) whose stdout is read line by line, the real server on a
// fixed loopback port, temporary directories, files and shell helpers.
#pragma once

#include "support/Files.hxx"
#include "support/Shell.hxx"
#include "support/TempDir.hxx"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sealpost::test {

using namespace std::chrono_literals;

/// A fresh directory under the system temp dir, removed with its contents.
void WriteText(const std::filesystem::path& file, const std::string& text);
std::string ReadText(const std::filesystem::path& file);
/// A loopback TCP port that was free a moment ago.
int FreeLoopbackPort();
/// An environment variable the test needs (set by meson); throws when unset.
std::string RequiredEnv(const char* name);

/// One child process started with posix_spawnp. stdin is /dev/null, stderr
/// is inherited (it ends up in the test log), stdout is read line by line on
/// a background thread and echoed to stderr with `label`. The destructor
/// kills (SIGKILL) and reaps a child that is still running.
class ChildProcess {
public:
    ChildProcess(std::string label, const std::vector<std::string>& argv);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }
    bool Running();
    /// Waits for the exit; its code (128 + signal when killed), or nullopt on timeout.
    std::optional<int> Wait(std::chrono::milliseconds timeout);
    /// Sends `signal` (if still running), without waiting.
    void Signal(int signal);
    /// Sends `signal` and reaps the child.
    void Kill(int signal);

    /// Every stdout line so far.
    std::vector<std::string> Lines();
    /// Waits for a stdout line that satisfies `match`, at most `timeout`;
    /// gives up early when the child exits.
    std::optional<std::string> WaitForLine(const std::function<bool(const std::string&)>& match,
                                           std::chrono::milliseconds timeout);

private:
    void ReadOutput(int fd);
    bool Reap(bool block);

    std::string label_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    bool output_closed_ = false;
    std::thread reader_;
};

/// `sealpost serve` from the build, with a config file naming a fixed
/// loopback port and data dir, so it can be killed and started again on both.
class ServerProcess {
public:
    ServerProcess(std::filesystem::path exe, std::filesystem::path work_dir);

    /// Starts the binary and waits until GET /healthz answers 200; false if
    /// it exits or does not answer within `timeout`.
    bool Start(std::chrono::milliseconds timeout = 20s);
    /// SIGKILL: no shutdown code runs.
    void KillHard();
    /// SIGTERM (graceful shutdown); the exit code, or nullopt when the
    /// server is still running after `timeout` (it is killed then).
    std::optional<int> Stop(std::chrono::milliseconds timeout = 40s);
    bool Running() { return process_ && process_->Running(); }

    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const noexcept { return port_; }
    const std::filesystem::path& data_dir() const noexcept { return data_dir_; }

private:
    std::filesystem::path exe_;
    std::filesystem::path config_;
    std::filesystem::path data_dir_;
    int port_;
    std::unique_ptr<ChildProcess> process_;
};

} // namespace sealpost::test
