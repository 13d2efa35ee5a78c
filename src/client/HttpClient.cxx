#include "client/HttpClient.hxx"
#include "client/ClientError.hxx"

#include <algorithm>
#include <thread>

namespace sealpost::client {

namespace {

/// scheme://host[:port] of a URL.
std::string OriginOf(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return std::string(url);
    const auto path = url.find('/', scheme_end + 3);
    return std::string(url.substr(0, path));
}

bool Retryable(long status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
}

} // namespace

void Backoff(const RetryPolicy& policy, int attempt) {
    auto delay = policy.first_delay;
    for (int i = 1; i < attempt && delay < std::chrono::seconds(30); ++i)
        delay *= 2;
    std::this_thread::sleep_for(
        std::min<std::chrono::milliseconds>(delay, std::chrono::seconds(30)));
}

HttpClient::HttpClient(std::string base_url, curl::HttpSettings settings,
                       std::shared_ptr<CookieJar> jar, std::string token, RetryPolicy retry)
    : base_(std::move(base_url)), origin_(OriginOf(base_)), session_(std::move(settings)),
      jar_(std::move(jar)), token_(std::move(token)), retry_(retry) {
    while (base_.ends_with('/'))
        base_.pop_back();
}

std::string HttpClient::Url(std::string_view path) const {
    if (path.starts_with("http://") || path.starts_with("https://"))
        return std::string(path);
    // Server paths are absolute (/api/v1/…); they replace any prefix path of the base.
    if (path.starts_with('/'))
        return origin_ + std::string(path);
    return base_ + "/" + std::string(path);
}

Reply HttpClient::Send(curl::HttpRequest request, bool retry) {
    request.url = Url(request.url);
    if (!token_.empty()) {
        request.headers.push_back("Authorization: Bearer " + token_);
    } else if (jar_) {
        // Cookie-authenticated state changes need the server's own Origin.
        if (request.method != "GET" && request.method != "HEAD")
            request.headers.push_back("Origin: " + origin_);
    }
    const std::size_t fixed_headers = request.headers.size();
    for (int attempt = 1;; ++attempt) {
        request.headers.resize(fixed_headers);
        if (jar_)
            if (const std::string cookies = jar_->CookieHeader(); !cookies.empty())
                request.headers.push_back("Cookie: " + cookies);
        Reply reply;
        try {
            reply.raw = session_.Perform(request);
        } catch (const curl::TransportError& e) {
            if (!retry || e.Local())
                throw;
            if (e.Certificate() || attempt >= retry_.attempts)
                throw ClientError(kExitNetwork, "cannot reach " + origin_ + ": " + e.what());
            Backoff(retry_, attempt);
            continue;
        }
        reply.status = reply.raw.status;
        if (jar_)
            jar_->Update(reply.raw.Headers("set-cookie"));
        if (retry && Retryable(reply.status) && attempt < retry_.attempts) {
            // A rate limit says when to come back (in seconds); at most a minute is waited.
            const auto after = reply.raw.Header("retry-after");
            if (after && !after->empty() && after->size() < 4 &&
                after->find_first_not_of("0123456789") == std::string::npos)
                std::this_thread::sleep_for(std::chrono::seconds(std::min(60, std::stoi(*after))));
            else
                Backoff(retry_, attempt);
            continue;
        }
        const auto type = reply.raw.Header("content-type").value_or("");
        if (type.find("json") != std::string::npos && !reply.raw.body.empty())
            reply.json = nlohmann::json::parse(reply.raw.body, nullptr, false);
        if (reply.json.is_discarded())
            reply.json = nullptr;
        return reply;
    }
}

Reply HttpClient::Call(const std::string& method, std::string_view path,
                       const nlohmann::json& body) {
    curl::HttpRequest request;
    request.method = method;
    request.url = std::string(path);
    request.headers.push_back("Accept: application/json");
    if (!body.is_null()) {
        request.body = body.dump();
        request.headers.push_back("Content-Type: application/json");
    }
    try {
        return Send(std::move(request), true);
    } catch (const curl::TransportError& e) {
        throw ClientError(kExitFailure, std::string("request failed: ") + e.what());
    }
}

std::string HttpClient::Detail(const Reply& reply) {
    if (reply.json.is_object()) {
        for (const char* key : {"detail", "title"})
            if (const auto it = reply.json.find(key); it != reply.json.end() && it->is_string())
                return it->get<std::string>();
    }
    return "HTTP " + std::to_string(reply.status);
}

void HttpClient::Fail(const Reply& reply, const std::string& what) {
    const std::string message =
        what + ": " + Detail(reply) + " (HTTP " + std::to_string(reply.status) + ")";
    switch (reply.status) {
    case 401:
    case 403:
    case 423:
        throw ClientError(kExitAuth, message);
    case 404:
    case 410:
        throw ClientError(kExitGone, message);
    case 413:
        throw ClientError(kExitPolicy, message);
    case 429:
        throw ClientError(kExitNetwork, message);
    default:
        throw ClientError(kExitServer, message);
    }
}

} // namespace sealpost::client
