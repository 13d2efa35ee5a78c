// HttpSession: blocking HTTP/1.1 requests over one libcurl easy handle, for the
// command-line client (`sealpost send`, `sealpost download`). The handle keeps its
// connection alive between requests. Certificates are verified unless the settings
// turn it off; proxies come from libcurl's usual environment variables (http_proxy,
// https_proxy, no_proxy), which this class never overrides. Request bodies can be
// streamed from a callback and response bodies to one, so files of any size pass
// without being held in memory. This header does not include libcurl.
//
// One HttpSession belongs to one thread at a time (libcurl forbids sharing a handle).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::curl {

struct HttpSettings {
    /// PEM file of trusted CA certificates; empty: the system's trust store.
    std::string ca_file;
    /// Check the server's certificate chain and host name (off only with --insecure).
    bool verify_tls = true;
    std::chrono::milliseconds connect_timeout{20'000};
    /// A request that moves no byte for this long fails.
    std::chrono::milliseconds stall_timeout{60'000};
    std::string user_agent = "sealpost";
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    /// "Name: value" lines.
    std::vector<std::string> headers;
    /// A small body sent as it is (ignored when `read` is set).
    std::string body;
    /// A streamed body of exactly `read_size` bytes: fills the buffer, returns the
    /// number of bytes written (0 only at the end).
    std::function<std::size_t(std::span<char>)> read;
    std::uint64_t read_size = 0;
    /// When set, a 2xx response body goes here instead of HttpResponse::body;
    /// returning false aborts the request (TransportError, local).
    std::function<bool(std::string_view)> write;
    /// Bytes sent and received so far in this request; returning false aborts.
    std::function<bool(std::uint64_t sent, std::uint64_t received)> progress;
};

struct HttpResponse {
    long status = 0;
    /// Header names lower-cased, in the order received (the last response's only).
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header of that (lower-case) name.
    std::optional<std::string> Header(std::string_view name) const;
    std::vector<std::string> Headers(std::string_view name) const;
};

/// The request did not complete: no connection, TLS failure, a dropped or stalled
/// connection (network), or a local problem (bad URL, aborted by a callback).
class TransportError : public std::runtime_error {
    bool local_;
    bool certificate_;

public:
    TransportError(const std::string& what, bool local, bool certificate = false)
        : std::runtime_error(what), local_(local), certificate_(certificate) {}
    bool Local() const noexcept { return local_; }
    /// The server's certificate was not trusted: trying again will not help.
    bool Certificate() const noexcept { return certificate_; }
};

class HttpSession {
    struct Handle;
    std::unique_ptr<Handle> handle_;
    HttpSettings settings_;

public:
    explicit HttpSession(HttpSettings settings);
    ~HttpSession();
    HttpSession(HttpSession&&) noexcept;
    HttpSession& operator=(HttpSession&&) noexcept;

    /// Blocks until the whole response arrived. Throws TransportError.
    HttpResponse Perform(const HttpRequest& request);

    const HttpSettings& Settings() const noexcept { return settings_; }
};

} // namespace sealpost::curl
