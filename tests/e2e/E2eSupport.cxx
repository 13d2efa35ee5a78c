#include "E2eSupport.hxx"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace sealpost::test {


void WriteText(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out.flush())
        throw std::runtime_error("cannot write " + file.string());
}

std::string ReadText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

int FreeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "bind");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string RequiredEnv(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value)
        throw std::runtime_error(std::string(name) + " is not set (run the test through meson)");
    return value;
}

// --- ChildProcess ------------------------------------------------------------

ChildProcess::ChildProcess(std::string label, const std::vector<std::string>& argv)
    : label_(std::move(label)) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        throw std::system_error(rc, std::generic_category(), "posix_spawnp " + argv.at(0));
    }
    std::fprintf(stderr, "[%s] started, pid %d\n", label_.c_str(), static_cast<int>(pid_));
    reader_ = std::thread([this, fd = fds[0]] { ReadOutput(fd); });
}

ChildProcess::~ChildProcess() {
    if (!exit_code_ && !Reap(false)) {
        ::kill(pid_, SIGKILL);
        Reap(true);
    }
    if (reader_.joinable())
        reader_.join();
}

void ChildProcess::ReadOutput(int fd) {
    std::string pending;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t end;
        while ((end = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, end);
            pending.erase(0, end + 1);
            std::fprintf(stderr, "[%s] %s\n", label_.c_str(), line.c_str());
            std::lock_guard lock(mutex_);
            lines_.push_back(std::move(line));
            changed_.notify_all();
        }
    }
    ::close(fd);
    std::lock_guard lock(mutex_);
    if (!pending.empty())
        lines_.push_back(std::move(pending));
    output_closed_ = true;
    changed_.notify_all();
}

bool ChildProcess::Reap(bool block) {
    if (exit_code_)
        return true;
    int status = 0;
    pid_t r;
    do
        r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r != pid_)
        return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::fprintf(stderr, "[%s] exited with %d\n", label_.c_str(), *exit_code_);
    return true;
}

bool ChildProcess::Running() {
    return !Reap(false);
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Reap(false)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(20ms);
    }
    return exit_code_;
}

void ChildProcess::Signal(int signal) {
    if (!Reap(false))
        ::kill(pid_, signal);
}

void ChildProcess::Kill(int signal) {
    if (Reap(false))
        return;
    ::kill(pid_, signal);
    Reap(true);
}

std::vector<std::string> ChildProcess::Lines() {
    std::lock_guard lock(mutex_);
    return lines_;
}

std::optional<std::string>
ChildProcess::WaitForLine(const std::function<bool(const std::string&)>& match,
                          std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    std::size_t checked = 0;
    for (;;) {
        for (; checked < lines_.size(); ++checked)
            if (match(lines_[checked]))
                return lines_[checked];
        if (output_closed_)
            return std::nullopt;
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
            checked == lines_.size())
            return std::nullopt;
    }
}

// --- ServerProcess -------------------------------------------------------------

ServerProcess::ServerProcess(std::filesystem::path exe, std::filesystem::path work_dir)
    : exe_(std::move(exe)), config_(work_dir / "sealpost.toml"), data_dir_(work_dir / "data"),
      port_(FreeLoopbackPort()) {
    const std::string url = Url();
    // The small Argon2id cost keeps password checks fast in tests.
    WriteText(config_, "[server]\n"
                       "listen = \"127.0.0.1:" +
                           std::to_string(port_) +
                           "\"\n"
                           "public_url = \"" +
                           url +
                           "\"\n"
                           "data_dir = \"" +
                           data_dir_.string() +
                           "\"\n"
                           "[kdf]\n"
                           "opslimit = 1\n"
                           "memlimit = \"8MiB\"\n");
}

bool ServerProcess::Start(std::chrono::milliseconds timeout) {
    process_ = std::make_unique<ChildProcess>(
        "sealpost", std::vector<std::string>{exe_.string(), "serve", "--config", config_.string()});
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->Running())
            return false;
        if (Shell("curl -s -o /dev/null -w '%{http_code}' --max-time 2 " +
                  Quote(Url() + "/healthz")) == "200")
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

void ServerProcess::KillHard() {
    if (process_)
        process_->Kill(SIGKILL);
}

std::optional<int> ServerProcess::Stop(std::chrono::milliseconds timeout) {
    if (!process_)
        return std::nullopt;
    process_->Signal(SIGTERM);
    const auto code = process_->Wait(timeout);
    if (!code)
        process_->Kill(SIGKILL);
    return code;
}

} // namespace sealpost::test
