#include "lib/ssl/TlsContext.hxx"
#include "lib/ssl/TlsSession.hxx"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace sealpost::ssl {
namespace {

std::string OpenSslReason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return "unknown error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    return buffer;
}

// TLS 1.2 suites: forward secrecy and AEAD only, in the server's order of
// preference (SSL_OP_CIPHER_SERVER_PREFERENCE): AES-256-GCM, then
// ChaCha20-Poly1305, then AES-128-GCM. TLS 1.3 suites are all AEAD.
constexpr const char* kTls12Ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                                      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

// Whether the error queue (which this empties) holds X509's "key values
// mismatch": both libraries report a key that does not belong to the
// certificate this way, with different texts.
bool TakeKeyMismatch() {
    bool found = false;
    for (auto code = ERR_get_error(); code != 0; code = ERR_get_error())
        if (ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH)
            found = true;
    return found;
}

int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
    // Offered protocols are length-prefixed strings; we speak only http/1.1.
    for (unsigned i = 0; i < inlen;) {
        const unsigned len = in[i];
        if (i + 1 + len > inlen)
            break;
        if (len == 8 &&
            std::string_view(reinterpret_cast<const char*>(in + i + 1), 8) == "http/1.1") {
            *out = in + i + 1;
            *outlen = 8;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

std::shared_ptr<SSL_CTX> LoadContext(const std::string& cert, const std::string& key) {
    std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    if (!ctx)
        throw std::runtime_error("TLS: cannot create context: " + OpenSslReason());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                       SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1)
        throw std::runtime_error("TLS: cipher list rejected: " + OpenSslReason());
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert.c_str()) != 1)
        throw std::runtime_error("TLS: cannot load certificate " + cert + ": " + OpenSslReason());
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1) {
        const auto first = ERR_peek_error();
        char reason[256] = "unknown error";
        if (first != 0)
            ERR_error_string_n(first, reason, sizeof(reason));
        if (TakeKeyMismatch())
            throw std::runtime_error("TLS: key " + key + " does not match certificate " + cert +
                                     " (key values mismatch)");
        throw std::runtime_error("TLS: cannot load key " + key + ": " + reason);
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1)
        throw std::runtime_error("TLS: key " + key + " does not match certificate " + cert);
    SSL_CTX_set_alpn_select_cb(ctx.get(), SelectAlpn, nullptr);
    return ctx;
}

} // namespace

TlsContext::TlsContext(std::string cert_path, std::string key_path)
    : cert_path_(std::move(cert_path)), key_path_(std::move(key_path)),
      ctx_(LoadContext(cert_path_, key_path_)) {}

TlsContext::~TlsContext() = default;

void TlsContext::Reload() {
    ctx_ = LoadContext(cert_path_, key_path_);
}

std::unique_ptr<TlsSession> TlsContext::NewSession() const {
    SSL* ssl = SSL_new(ctx_.get());
    if (!ssl)
        throw std::runtime_error("TLS: SSL_new failed: " + OpenSslReason());
    return std::make_unique<TlsSession>(ssl);
}

} // namespace sealpost::ssl
