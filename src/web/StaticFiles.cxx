#include "web/StaticFiles.hxx"
#include "http/Exchange.hxx"
#include "http/Router.hxx"
#include "lib/uv/Work.hxx"
#include "web/StaticAssets.hxx"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

namespace sealpost::web {

const std::string_view kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

namespace {

// Only assets that can never carry a secret or reflect a request are sent
// compressed (BREACH): scripts, styles and images. Pages are not, although
// today's are constant, so that a page that one day embeds a token or echoes
// a parameter cannot leak it through its compressed length over TLS. No
// other response of the server is compressed.
bool MayCompress(std::string_view content_type) {
    return !content_type.starts_with("text/html");
}

bool AcceptsGzip(const http::Request& request) {
    const auto accept = request.headers.Get("accept-encoding");
    return accept && accept->find("gzip") != std::string_view::npos;
}

bool ETagMatches(const http::Request& request, std::string_view etag) {
    const auto inm = request.headers.Get("if-none-match");
    if (!inm)
        return false;
    return *inm == "*" || inm->find(etag) != std::string_view::npos;
}

void DecorateHtml(http::Response& response, std::string_view content_type) {
    if (content_type.starts_with("text/html"))
        response.headers.Set("Content-Security-Policy", std::string(kPageCsp));
}

std::string_view ContentTypeFor(std::string_view path) {
    // The same types as the embedded files get (tools/embed_static.py), also
    // for file types the embedded UI does not have yet.
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"}, {".woff2", "font/woff2"},
    };
    for (const auto& [extension, type] : kTypes)
        if (path.ends_with(extension))
            return type;
    return "application/octet-stream";
}

} // namespace

StaticFiles::StaticFiles(std::string override_dir) : override_dir_(std::move(override_dir)) {
    if (override_dir_.empty())
        return;
    namespace fs = std::filesystem;
    for (const auto& entry : fs::recursive_directory_iterator(override_dir_)) {
        if (!entry.is_regular_file())
            continue;
        std::string rel = fs::relative(entry.path(), override_dir_).generic_string();
        rel.insert(0, 1, '/');
        disk_files_.emplace(rel, entry.path().string());
    }
}

void StaticFiles::AddRoutes(http::Router& router) {
    // Transfer and admin pages are never stored by browsers or proxies
    // (Cache-Control: no-store); the start page may be revalidated.
    auto page = [this](std::string document, bool no_store) {
        return [this, document, no_store](http::Exchange& ex) { Serve(ex, document, no_store); };
    };
    router.Add("GET", "/", page("/index.html", false));
    router.Add("GET", "/upload", page("/upload.html", true));
    router.Add("GET", "/d/{download_id}", page("/retrieve.html", true));
    router.Add("GET", "/t/{id}", page("/status.html", true));
    router.Add("GET", "/admin", page("/admin.html", true));
    router.Add("GET", "/quick", page("/quick.html", true));
    router.Add("GET", "/Upload1", [](http::Exchange& ex) {
        auto response = http::Response::Empty(301);
        std::string location = "/upload";
        if (!ex.request().query.empty())
            location += "?" + ex.request().query;
        response.headers.Add("Location", location);
        ex.Respond(std::move(response));
    });
}

void StaticFiles::Serve(http::Exchange& exchange, std::string_view path, bool no_store) const {
    const auto& request = exchange.request();
    if (request.method != "GET" && request.method != "HEAD") {
        auto r = http::Response::Text(405, "Method not allowed\n");
        r.headers.Add("Allow", "GET, HEAD");
        exchange.Respond(std::move(r));
        return;
    }
    if (!override_dir_.empty()) {
        // Files built from node_modules (/vendor/…) are only embedded.
        const auto it = disk_files_.find(path);
        if (it != disk_files_.end()) {
            ServeFromDisk(exchange, it->second, no_store);
            return;
        }
        if (!path.starts_with("/vendor/")) {
            exchange.Respond(http::Response::Text(404, "Not found\n"));
            return;
        }
    }
    const Asset* asset = FindAsset(path);
    if (!asset) {
        exchange.Respond(http::Response::Text(404, "Not found\n"));
        return;
    }
    http::Response response;
    response.headers.Add("ETag", std::string(asset->etag));
    response.headers.Add("Cache-Control", no_store ? "no-store" : "no-cache");
    response.headers.Add("Vary", "Accept-Encoding");
    DecorateHtml(response, asset->content_type);
    if (ETagMatches(request, asset->etag)) {
        response.status = 304;
        exchange.Respond(std::move(response));
        return;
    }
    response.headers.Add("Content-Type", std::string(asset->content_type));
    if (!asset->gzip.empty() && MayCompress(asset->content_type) && AcceptsGzip(request)) {
        response.headers.Add("Content-Encoding", "gzip");
        response.body = std::string(asset->gzip);
    } else {
        response.body = std::string(asset->data);
    }
    exchange.Respond(std::move(response));
}

void StaticFiles::ServeFromDisk(http::Exchange& exchange, const std::string& file,
                                bool no_store) const {
    // Development only; still read off the loop thread.
    auto content = std::make_shared<std::string>();
    const http::ExchangeRef ref = exchange.Ref();
    uv::QueueWork(
        exchange.loop(),
        [file, content] {
            std::ifstream in(file, std::ios::binary);
            std::ostringstream buffer;
            buffer << in.rdbuf();
            *content = buffer.str();
        },
        [ref, file, content, no_store](std::exception_ptr error) {
            http::Exchange* ex = ref.get();
            if (!ex)
                return;
            if (error) {
                ex->Respond(http::Response::Text(500, "cannot read file\n"));
                return;
            }
            auto response = http::Response::Text(200, std::move(*content), ContentTypeFor(file));
            response.headers.Set("Cache-Control", no_store ? "no-store" : "no-cache");
            DecorateHtml(response, ContentTypeFor(file));
            ex->Respond(std::move(response));
        });
}

} // namespace sealpost::web
