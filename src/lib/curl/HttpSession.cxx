#include "lib/curl/HttpSession.hxx"
#include "lib/curl/Unique.hxx"

#include <algorithm>
#include <cstring>
#include <exception>

namespace sealpost::curl {

struct HttpSession::Handle {
    UniqueCurl easy = NewEasy();
};

namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

/// The state of one Perform(), shared with libcurl's callbacks.
struct Exchange {
    CURL* easy = nullptr;
    const HttpRequest* request = nullptr;
    HttpResponse* response = nullptr;
    std::size_t body_offset = 0;
    std::exception_ptr error;
};

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* x = static_cast<Exchange*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        // A new response (after 100 Continue or a proxy's CONNECT): start over.
        x->response->headers.clear();
        return size * count;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos)
        try {
            x->response->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                              std::string(Trim(line.substr(colon + 1))));
        } catch (...) {
            x->error = std::current_exception();
            return 0;
        }
    return size * count;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* x = static_cast<Exchange*>(user);
    const std::string_view chunk(data, size * count);
    try {
        long status = 0;
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
        if (x->request->write && status >= 200 && status < 300) {
            if (!x->request->write(chunk))
                return CURL_WRITEFUNC_ERROR;
        } else {
            x->response->body.append(chunk);
        }
    } catch (...) {
        x->error = std::current_exception();
        return CURL_WRITEFUNC_ERROR;
    }
    return chunk.size();
}

std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user) noexcept {
    auto* x = static_cast<Exchange*>(user);
    try {
        if (x->request->read)
            return x->request->read(std::span<char>(buffer, size * count));
        const std::string& body = x->request->body;
        const std::size_t n = std::min(size * count, body.size() - x->body_offset);
        std::memcpy(buffer, body.data() + x->body_offset, n);
        x->body_offset += n;
        return n;
    } catch (...) {
        x->error = std::current_exception();
        return CURL_READFUNC_ABORT;
    }
}

int OnProgress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) noexcept {
    auto* x = static_cast<Exchange*>(user);
    try {
        if (x->request->progress && !x->request->progress(static_cast<std::uint64_t>(sent),
                                                          static_cast<std::uint64_t>(received)))
            return 1;
    } catch (...) {
        x->error = std::current_exception();
        return 1;
    }
    return 0;
}

bool IsLocal(CURLcode code) noexcept {
    switch (code) {
    case CURLE_OUT_OF_MEMORY:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_FAILED_INIT:
        return true;
    default:
        return false;
    }
}

void Check(CURLcode code, const char* option) {
    if (code != CURLE_OK)
        throw TransportError(std::string("cannot set ") + option + ": " + curl_easy_strerror(code),
                             true);
}

#define SET(option, value) Check(curl_easy_setopt(h, option, value), #option)

} // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (key == name)
            return value;
    return std::nullopt;
}

std::vector<std::string> HttpResponse::Headers(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : headers)
        if (key == name)
            out.push_back(value);
    return out;
}

HttpSession::HttpSession(HttpSettings settings)
    : handle_(std::make_unique<Handle>()), settings_(std::move(settings)) {}
HttpSession::~HttpSession() = default;
HttpSession::HttpSession(HttpSession&&) noexcept = default;
HttpSession& HttpSession::operator=(HttpSession&&) noexcept = default;

HttpResponse HttpSession::Perform(const HttpRequest& request) {
    CURL* h = handle_->easy.get();
    // Reset forgets the options but keeps the live connection and the caches.
    curl_easy_reset(h);
    HttpResponse response;
    Exchange x{h, &request, &response, 0, nullptr};
    char error_buffer[CURL_ERROR_SIZE] = {};
    UniqueSlist headers;
    for (const std::string& line : request.headers)
        SlistAppend(headers, line.c_str());
    // No "Expect: 100-continue" round trip before bodies.
    SlistAppend(headers, "Expect:");

    SET(CURLOPT_ERRORBUFFER, error_buffer);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_URL, request.url.c_str());
    SET(CURLOPT_USERAGENT, settings_.user_agent.c_str());
    SET(CURLOPT_SSL_VERIFYPEER, settings_.verify_tls ? 1L : 0L);
    SET(CURLOPT_SSL_VERIFYHOST, settings_.verify_tls ? 2L : 0L);
    if (!settings_.ca_file.empty())
        SET(CURLOPT_CAINFO, settings_.ca_file.c_str());
    SET(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME,
        std::max(1L, static_cast<long>(settings_.stall_timeout.count() / 1000)));
    SET(CURLOPT_HTTPHEADER, headers.get());
    SET(CURLOPT_HEADERFUNCTION, &OnHeader);
    SET(CURLOPT_HEADERDATA, &x);
    SET(CURLOPT_WRITEFUNCTION, &OnBody);
    SET(CURLOPT_WRITEDATA, &x);
    SET(CURLOPT_XFERINFOFUNCTION, &OnProgress);
    SET(CURLOPT_XFERINFODATA, &x);
    SET(CURLOPT_NOPROGRESS, 0L);

    const bool has_body = request.read || !request.body.empty();
    const std::uint64_t body_size = request.read ? request.read_size : request.body.size();
    if (request.method == "HEAD") {
        SET(CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET" && !has_body) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (has_body || request.method == "POST" || request.method == "PATCH" ||
               request.method == "PUT") {
        SET(CURLOPT_UPLOAD, 1L);
        SET(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
        SET(CURLOPT_READFUNCTION, &OnRead);
        SET(CURLOPT_READDATA, &x);
        SET(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else {
        SET(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    const CURLcode code = curl_easy_perform(h);
    if (x.error)
        std::rethrow_exception(x.error);
    if (code != CURLE_OK) {
        std::string text = curl_easy_strerror(code);
        if (error_buffer[0] != '\0')
            text += std::string(" (") + error_buffer + ")";
        const bool certificate = code == CURLE_PEER_FAILED_VERIFICATION;
        if (certificate)
            text += "; a private CA is trusted with --cacert FILE";
        throw TransportError(text, IsLocal(code), certificate);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

} // namespace sealpost::curl
