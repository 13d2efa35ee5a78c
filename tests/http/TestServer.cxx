#include "TestServer.hxx"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <stdexcept>

namespace sealpost::test {

TestServer::TestServer(http::ServerLimits limits, std::shared_ptr<ssl::TlsContext> tls)
    : limits_(limits), tls_(std::move(tls)) {}

TestServer::~TestServer() {
    if (!stopped_ && thread_.joinable())
        Stop();
}

void TestServer::Start() {
    server_ = std::make_unique<http::Server>(loop_.get(), router, limits_, tls_);
    server_->Listen("127.0.0.1:0");
    port_ = server_->Port();
    wakeup_ = std::make_unique<uv::Async>(loop_.get(), [this] {
        std::vector<std::function<void()>> tasks;
        {
            std::lock_guard lock(mutex_);
            tasks.swap(tasks_);
        }
        for (auto& task : tasks)
            task();
    });
    thread_ = std::thread([this] { loop_.Run(); });
}

void TestServer::RunOnLoop(std::function<void()> fn) {
    std::promise<void> done;
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back([&] {
            fn();
            done.set_value();
        });
    }
    wakeup_->Send();
    done.get_future().wait();
}

int TestServer::Stop() {
    stopped_ = true;
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back([this] { server_->Shutdown([this] { wakeup_.reset(); }); });
    }
    wakeup_->Send();
    thread_.join();
    server_.reset();
    return loop_.Close();
}

RawClient::RawClient(int port, int timeout_ms) : timeout_ms_(timeout_ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0)
        throw std::runtime_error("connect failed");
}

RawClient::~RawClient() {
    if (fd_ >= 0)
        ::close(fd_);
}

ssize_t RawClient::Recv(void* into, std::size_t size) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (true) {
        const ssize_t n = ::recv(fd_, into, size, 0);
        if (n >= 0 || errno != EINTR || std::chrono::steady_clock::now() >= deadline)
            return n;
    }
}

bool RawClient::Send(std::string_view data) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR && std::chrono::steady_clock::now() < deadline)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool RawClient::Fill() {
    char chunk[65536];
    const ssize_t n = Recv(chunk, sizeof(chunk));
    if (n <= 0)
        return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::string RawClient::ReadUntil(std::string_view marker) {
    while (buffer_.find(marker) == std::string::npos)
        if (!Fill())
            break;
    const auto pos = buffer_.find(marker);
    const std::size_t end = pos == std::string::npos ? buffer_.size() : pos + marker.size();
    std::string out = buffer_.substr(0, end);
    buffer_.erase(0, end);
    return out;
}

std::string RawClient::ReadSome(std::size_t max) {
    if (buffer_.empty() && !Fill())
        return "";
    const std::size_t n = std::min(max, buffer_.size());
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

bool RawClient::IsClosed() {
    if (!buffer_.empty())
        return false;
    char c;
    const ssize_t n = Recv(&c, 1);
    if (n == 1) {
        buffer_.push_back(c);
        return false;
    }
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

void RawClient::ShutdownWrite() {
    ::shutdown(fd_, SHUT_WR);
}

ClientResponse RawClient::ReadResponse(bool head_request) {
    ClientResponse response;
    const std::string head = ReadUntil("\r\n\r\n");
    if (head.size() < 12 || !head.ends_with("\r\n\r\n"))
        return response;
    response.status = std::stoi(head.substr(9, 3));
    std::size_t pos = head.find("\r\n") + 2;
    while (pos < head.size() - 2) {
        const auto end = head.find("\r\n", pos);
        const std::string line = head.substr(pos, end - pos);
        const auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.erase(0, 1);
        response.headers[name] = value;
        pos = end + 2;
    }
    if (head_request || response.status == 204 || response.status == 304 || response.status < 200)
        return response;
    if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
        const std::size_t length = std::stoull(it->second);
        while (buffer_.size() < length)
            if (!Fill())
                break;
        response.body = buffer_.substr(0, length);
        buffer_.erase(0, std::min(length, buffer_.size()));
    } else if (response.headers.count("transfer-encoding")) {
        while (true) {
            const std::string size_line = ReadUntil("\r\n");
            const std::size_t size = std::stoull(size_line, nullptr, 16);
            while (buffer_.size() < size + 2)
                if (!Fill())
                    return response;
            response.body += buffer_.substr(0, size);
            buffer_.erase(0, size + 2);
            if (size == 0)
                break;
        }
    } else {
        while (Fill()) {
        }
        response.body = std::move(buffer_);
        buffer_.clear();
    }
    return response;
}

std::size_t CurrentRss() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmRSS:"))
            return std::stoull(line.substr(6)) * 1024;
    return 0;
}

} // namespace sealpost::test
