// Test fixtures for mail delivery: a temporary directory, the real SMTP
// server of smtp_server.py (aiosmtpd) as a child process on loopback, the
// messages it received, and a way to drive a uv::Loop until something has
// happened. Used on the test's main thread only.
#pragma once

#include "support/TempDir.hxx"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace sealpost::uv {
class Loop;
}

namespace sealpost::test {

/// mkdtemp under /tmp; removed with everything in it on destruction.

struct SmtpServerOptions {
    std::filesystem::path dir; ///< where received messages are written
    std::uint16_t port = 0;    ///< 0: any free port
    std::filesystem::path tls_cert, tls_key;
    bool starttls = false;
    bool implicit_tls = false;
    std::string auth; ///< "user:password"; AUTH required when set
    std::vector<std::string> reject_rcpt;
    std::vector<std::string> tempfail_rcpt;
};

/// smtp_server.py, started in the constructor (which waits until it
/// listens) and stopped with SIGTERM by Stop() or the destructor.
class SmtpTestServer {
public:
    explicit SmtpTestServer(SmtpServerOptions options);
    ~SmtpTestServer();
    SmtpTestServer(const SmtpTestServer&) = delete;
    SmtpTestServer& operator=(const SmtpTestServer&) = delete;

    std::uint16_t Port() const noexcept { return port_; }
    void Stop();

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

struct ReceivedMail {
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    bool tls = false;
    bool auth = false;
    std::string data; ///< the DATA bytes as received
};

/// Every message smtp_server.py has written to dir, in arrival order.
std::vector<ReceivedMail> ReadReceived(const std::filesystem::path& dir);

/// Runs the loop (non-blocking iterations, short sleeps) until done() is
/// true; false when `timeout` passed first.
bool RunUntil(uv::Loop& loop, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = std::chrono::seconds{20});

/// A self-signed certificate for "localhost" and 127.0.0.1, made with the
/// openssl command: cert.pem and key.pem in dir.
void MakeSelfSignedCertificate(const std::filesystem::path& dir);

} // namespace sealpost::test
