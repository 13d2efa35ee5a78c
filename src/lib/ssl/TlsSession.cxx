#include "lib/ssl/TlsSession.hxx"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <climits>

namespace sealpost::ssl {

TlsSession::TlsSession(ssl_st* ssl) : ssl_(ssl) {
    // Both BIOs are owned by the SSL object after SSL_set_bio.
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() {
    SSL_free(ssl_);
}

void TlsSession::Feed(std::span<const char> ciphertext) {
    BIO* rbio = SSL_get_rbio(ssl_);
    while (!ciphertext.empty()) {
        const int chunk = static_cast<int>(std::min<std::size_t>(ciphertext.size(), INT_MAX));
        const int n = BIO_write(rbio, ciphertext.data(), chunk);
        if (n <= 0)
            return;
        ciphertext = ciphertext.subspan(static_cast<std::size_t>(n));
    }
}

TlsSession::ReadResult TlsSession::Read(std::span<char> out) {
    const int chunk = static_cast<int>(std::min<std::size_t>(out.size(), INT_MAX));
    const int n = SSL_read(ssl_, out.data(), chunk);
    if (n > 0)
        return {ReadStatus::data, static_cast<std::size_t>(n)};
    switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return {ReadStatus::want_more, 0};
    case SSL_ERROR_ZERO_RETURN:
        return {ReadStatus::closed, 0};
    default: {
        const unsigned long code = ERR_get_error();
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof(buffer));
        last_error_ = code ? buffer : "TLS protocol error";
        ERR_clear_error();
        return {ReadStatus::error, 0};
    }
    }
}

bool TlsSession::HasPendingPlaintext() const {
    return SSL_pending(ssl_) > 0;
}

bool TlsSession::Write(std::span<const char> plaintext) {
    while (!plaintext.empty()) {
        const int chunk = static_cast<int>(std::min<std::size_t>(plaintext.size(), 1 << 20));
        const int n = SSL_write(ssl_, plaintext.data(), chunk);
        if (n <= 0) {
            last_error_ = "TLS write failed";
            ERR_clear_error();
            return false;
        }
        plaintext = plaintext.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

void TlsSession::Shutdown() {
    SSL_shutdown(ssl_);
    ERR_clear_error();
}

stream::Bytes TlsSession::TakeOutput() {
    BIO* wbio = SSL_get_wbio(ssl_);
    const std::size_t pending = BIO_ctrl_pending(wbio);
    if (pending == 0)
        return {};
    auto out = stream::Bytes::ForOverwrite(pending);
    const int n = BIO_read(wbio, out.data(), static_cast<int>(pending));
    out.Truncate(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

bool TlsSession::HandshakeDone() const {
    return SSL_is_init_finished(ssl_) != 0;
}

std::string TlsSession::Protocol() const {
    return SSL_get_version(ssl_);
}

} // namespace sealpost::ssl
