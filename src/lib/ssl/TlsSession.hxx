// One TLS connection driven through memory BIOs: the owner feeds ciphertext
// read from the socket, reads plaintext, writes plaintext and collects the
// ciphertext to send. No socket access here; the owner (an HTTP connection on
// the loop thread) does all I/O. Not thread-safe.
#pragma once

#include "stream/Bytes.hxx"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

struct ssl_st;

namespace sealpost::ssl {

class TlsSession {
public:
    explicit TlsSession(ssl_st* ssl); // takes ownership
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    /// Hands ciphertext from the network to the TLS engine.
    void Feed(std::span<const char> ciphertext);

    enum class ReadStatus { data, want_more, closed, error };
    struct ReadResult {
        ReadStatus status;
        std::size_t length;
    };
    /// Decrypts into `out`; drives the handshake as needed. After an error,
    /// LastError() tells why.
    ReadResult Read(std::span<char> out);
    /// Plaintext bytes already decrypted and buffered inside the engine.
    bool HasPendingPlaintext() const;

    /// Encrypts plaintext; the ciphertext is collected by TakeOutput().
    bool Write(std::span<const char> plaintext);
    /// Sends close_notify.
    void Shutdown();
    /// Takes all pending ciphertext (handshake messages, records, alerts;
    /// empty if there is none), in memory that was not zero-filled first.
    stream::Bytes TakeOutput();

    bool HandshakeDone() const;
    std::string LastError() const { return last_error_; }
    std::string Protocol() const;

private:
    ssl_st* ssl_;
    std::string last_error_;
};

} // namespace sealpost::ssl
