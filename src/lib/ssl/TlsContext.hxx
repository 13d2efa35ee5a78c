// Server-side TLS configuration: certificate chain and key from PEM files,
// TLS 1.2+ with AEAD suites only, TLS 1.3, ALPN "http/1.1". Owned by the server
// on the loop thread; Reload() swaps in a freshly loaded certificate (SIGHUP)
// while sessions that already exist keep the context they started with.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;

namespace sealpost::ssl {

class TlsSession;

class TlsContext {
public:
    /// Loads and checks cert and key; throws std::runtime_error naming the file
    /// and OpenSSL's reason on failure.
    TlsContext(std::string cert_path, std::string key_path);
    ~TlsContext();

    /// Loads the files again; on failure keeps the old certificate and throws.
    void Reload();

    std::unique_ptr<TlsSession> NewSession() const;

private:
    std::string cert_path_, key_path_;
    std::shared_ptr<ssl_ctx_st> ctx_;
};

} // namespace sealpost::ssl
