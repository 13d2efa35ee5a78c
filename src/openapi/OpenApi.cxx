#include "openapi/OpenApi.hxx"
#include "http/Exchange.hxx"
#include "http/Response.hxx"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace sealpost::openapi {

namespace {

/// The cache may keep the document for an hour and then revalidate it with
/// the ETag; it only changes with the binary.
constexpr std::string_view kCacheControl = "public, max-age=3600";

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// If-None-Match uses the weak comparison (RFC 9110 §13.1.2): "W/" is ignored.
bool NoneMatchHits(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view tag = Trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        if (tag == "*")
            return true;
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        if (tag == etag)
            return true;
    }
    return false;
}

Document Check() {
    const std::string_view text = DocumentText();
    nlohmann::json parsed;
    try {
        parsed = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("embedded OpenAPI document: ") + e.what());
    }
    const auto version = parsed.find("openapi");
    if (!parsed.is_object() || version == parsed.end() || !version->is_string())
        throw std::runtime_error("embedded OpenAPI document: no \"openapi\" version");
    return Document{text, DocumentETag()};
}

} // namespace

const Document& Load() {
    static const Document document = Check();
    return document;
}

void Serve(const Document& document, http::Exchange& exchange) {
    http::Response response;
    response.headers.Add("ETag", std::string(document.etag));
    response.headers.Add("Cache-Control", std::string(kCacheControl));
    const auto if_none_match = exchange.request().headers.Get("if-none-match");
    if (if_none_match && NoneMatchHits(*if_none_match, document.etag)) {
        response.status = 304;
        exchange.Respond(std::move(response));
        return;
    }
    response.status = 200;
    response.headers.Add("Content-Type", "application/json; charset=utf-8");
    response.body = std::string(document.text);
    exchange.Respond(std::move(response));
}

} // namespace sealpost::openapi
